// `audit verify` runs SQLite's full integrity_check, not quick_check: an index whose entries no
// longer match its table (here audit_by_run, redeclared behind SQLite's back) passes quick_check
// and must fail the check — inline (small stores) and in the worker beside the chain walk (large
// ones, store/integrity-check.ts) alike, inline again (and said so) when the worker ends without
// answering, and verify names it as corrupt.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { proveStoreFile } from '../../store/index.js';
import { beside } from '../../store/beside.js';
import { integrityCheckBeside, integrityCheckInline } from '../../store/integrity-check.js';
import { runInput, tempStore } from './support.js';
import { fillAudit } from './tamper.js';

test('a sound store is ok both ways; a mismatched index fails both ways and verify names it', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    fillAudit(t.store, 50);
    t.store.close();
    const damaged = join(t.dir, 'damaged.db');
    copyFileSync(t.path, damaged);
    const raw = new Database(damaged);
    raw.unsafeMode(true);
    raw.pragma('writable_schema = ON');
    raw.prepare("UPDATE sqlite_master SET sql = 'CREATE INDEX audit_by_run ON audit (seq, run_id)' WHERE name = 'audit_by_run'").run();
    raw.close();

    for (const [file, sound] of [
      [t.path, true],
      [damaged, false],
    ] as const) {
      const db = new Database(file, { readonly: true });
      try {
        const inline = integrityCheckInline(db);
        assert.equal(beside(file, { kind: 'integrity' }).answer(), inline, 'the worker finds what the inline check finds');
        assert.equal(integrityCheckBeside(db, file).lines(), inline);
        const trace: string[] = [];
        const ends = new URL('./worker-that-ends-without-answering.mjs', import.meta.url);
        assert.equal(integrityCheckBeside(db, file, (line) => trace.push(line), ends).lines(), inline, 'a worker that ends without answering: run inline');
        assert.equal(trace, ["the worker thread running SQLite's integrity check gave no answer: it was run here"]);
        if (sound) assert.equal(inline, ['ok']);
        else {
          assert.match(inline.join('\n'), /audit_by_run/);
          assert.equal(db.pragma('quick_check', { simple: true }), 'ok', 'quick_check alone would have missed it');
        }
      } finally {
        db.close();
      }
    }
    const proof = proveStoreFile(damaged);
    assert.ok(proof.chain.ok, 'the chain itself holds');
    assert.match(proof.findings.map((f) => `${f.problem}: ${f.detail}`).join('\n'), /corrupt: SQLite's integrity check fails: .*audit_by_run/);
    assert.equal(proveStoreFile(t.path).findings, []);
  } finally {
    t.cleanup();
  }
});

test.run();
