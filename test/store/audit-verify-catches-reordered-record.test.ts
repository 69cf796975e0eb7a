import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempStore } from './support.js';
import { fillAudit, tamper } from './tamper.js';

test('two records with swapped seq are caught at the first of them', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 10);
    tamper(
      t.path,
      `UPDATE audit SET seq = -1 WHERE seq = 5;
      UPDATE audit SET seq = 5 WHERE seq = 6;
      UPDATE audit SET seq = 6 WHERE seq = -1;`,
    );
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (v.ok) return;
    assert.is(v.firstBad.seq, 5);
    assert.is(v.firstBad.problem, 'reordered');
    assert.is(v.count, 4);
  } finally {
    t.cleanup();
  }
});

test.run();
