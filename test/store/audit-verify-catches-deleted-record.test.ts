import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempStore } from './support.js';
import { fillAudit, tamper } from './tamper.js';

test('a record deleted from the middle is caught at its seq', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 10);
    tamper(t.path, 'DELETE FROM audit WHERE seq = 4');
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (v.ok) return;
    assert.is(v.firstBad.seq, 4);
    assert.is(v.firstBad.problem, 'deleted');
  } finally {
    t.cleanup();
  }
});

test('the first record deleted is caught', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 3);
    tamper(t.path, 'DELETE FROM audit WHERE seq = 1');
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [1, 'deleted']);
  } finally {
    t.cleanup();
  }
});

test('records cut off the end are caught, and later appends do not hide it', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 10);
    tamper(t.path, 'DELETE FROM audit WHERE seq >= 9');
    let v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [9, 'deleted']);
    fillAudit(t.store, 2);
    v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [9, 'deleted']);
  } finally {
    t.cleanup();
  }
});

test.run();
