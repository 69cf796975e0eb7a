import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { hashOf, type AuditRow } from '../../store/audit-chain.js';
import { tempStore } from './support.js';
import { fillAudit, tamper } from './tamper.js';

test('a forged record slipped into the middle (later ones renumbered) is caught at its seq', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 6);
    const raw = new Database(t.path, { readonly: true });
    const prev = raw.prepare('SELECT hash FROM audit WHERE seq = 3').pluck().get() as string;
    // The forger links the fake record to seq 3 correctly, but cannot re-link seq 4 without rewriting it.
    const fake: AuditRow = [
      4,
      new Date().toISOString(),
      null,
      'note',
      'mallory',
      'mallory',
      'evil',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'nothing happened here',
      null,
      prev,
      '',
      4242,
    ];
    fake[17] = hashOf(raw, fake);
    raw.close();
    tamper(
      t.path,
      `UPDATE audit SET seq = seq + 100 WHERE seq >= 4;
      UPDATE audit SET seq = seq - 99 WHERE seq >= 104;
      INSERT INTO audit VALUES (${fake.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? v : `'${v}'`)).join(', ')});`,
    );
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (v.ok) return;
    assert.is(v.firstBad.seq, 4);
    assert.is(v.firstBad.problem, 'inserted');
  } finally {
    t.cleanup();
  }
});

test("a record appended behind the store's back is caught", () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 3);
    tamper(
      t.path,
      `INSERT INTO audit (seq, ts, run_id, kind, operator, os_user, host, prev_hash, hash)
      SELECT 4, ts, NULL, 'note', 'mallory', 'mallory', 'evil', hash, hash FROM audit WHERE seq = 3`,
    );
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [4, 'inserted']);
  } finally {
    t.cleanup();
  }
});

test.run();
