import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { openStore } from '../../store/index.js';
import { tempStore } from './support.js';
import { fillAudit, tamper } from './tamper.js';

test('an edited field is caught at its seq', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 10);
    tamper(t.path, "UPDATE audit SET result = 'error' WHERE seq = 6");
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (v.ok) return;
    assert.is(v.firstBad.seq, 6);
    assert.is(v.firstBad.problem, 'edited');
    assert.is(v.count, 5);
  } finally {
    t.cleanup();
  }
});

test('an edit that also recomputes the record hash is caught at the next record', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 10);
    tamper(t.path, "UPDATE audit SET sql = 'SELECT 0', hash = 'f' || substr(hash, 2) WHERE seq = 3");
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (!v.ok) assert.is(v.firstBad.seq, 3);
  } finally {
    t.cleanup();
  }
});

test('bytes edited in the file itself, behind SQLite, are caught', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 5);
    t.store.close(); // checkpoints the WAL into the main file
    const bytes = readFileSync(t.path);
    const at = bytes.indexOf('SELECT 3');
    assert.ok(at > 0);
    bytes.write('SELECT 9', at);
    writeFileSync(t.path, bytes);
    const store = openStore(t.path);
    const v = store.audit.verify();
    store.close();
    assert.is(v.ok, false);
    if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [3, 'edited']);
  } finally {
    t.cleanup();
  }
});

test.run();
