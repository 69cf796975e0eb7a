// On a large store the main thread keeps the tied records of its part of the chain in the very scan
// that walks it (Ties.walking, store/audit-verify.ts Scan) and those of the worker's part afterwards
// (Ties.keepFrom). A run whose records fall before the split and one whose records fall after it:
// a row of either changed behind the store's back is named by the split proof exactly as by the
// proof in one thread, and the intact store proves the same both ways.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { proveDb } from '../../store/audit-proof.js';
import { MAIN_SHARE } from '../../store/audit-verify.js';
import type { Store } from '../../store/index.js';
import { tamper } from '../proof/tamper.js';
import { runInput, tempStore, type TempStore } from './support.js';
import { fillAudit } from './tamper.js';

let t: TempStore;
let records = 0;
let from = 0;
let n = 0;

/** A run with an intent, its outcome and a step state: all four tied to a record. */
function tiedRun(store: Store, runId: string): void {
  store.runs.create(runInput(runId, `${runId}|SQLA|SQLB`));
  const intent = store.journal.intent({ runId, stepId: 'master-key', attempt: 1, action: 'apply' });
  store.journal.outcome({ intentId: intent, status: 'ok' });
  store.journal.step({ runId, stepId: 'master-key', status: 'done', attempt: 1 });
}

test.before(() => {
  t = tempStore();
  tiedRun(t.store, 'run-before');
  fillAudit(t.store, 16);
  tiedRun(t.store, 'run-after');
  t.store.close();
  const db = new Database(t.path, { readonly: true });
  try {
    records = db.prepare('SELECT max(seq) FROM audit').pluck().get() as number;
    from = Math.floor(records * MAIN_SHARE) + 1;
    const seqsOf = (runId: string) => db.prepare('SELECT seq FROM audit WHERE run_id = ?').pluck().all(runId) as number[];
    assert.ok(Math.max(...seqsOf('run-before')) < from && Math.min(...seqsOf('run-after')) >= from, `the split at seq ${from} falls between the runs`);
  } finally {
    db.close();
  }
});
test.after(() => t.cleanup());

function copy(sql: string): string {
  const file = join(t.dir, `copy-${++n}.db`);
  copyFileSync(t.path, file);
  if (sql) tamper(file, sql);
  return file;
}

/** The proof split and in one thread, which must be the same but for the split's trace. */
function proofs(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const inline = proveDb(db, { walBytes: 0, viewPath: file, beside: false });
    const split = proveDb(db, { walBytes: 0, viewPath: file, beside: true });
    assert.equal(split, { ...inline, trace: [`the chain was walked in two parts joined at seq ${from}`] }, file);
    return inline;
  } finally {
    db.close();
  }
}

const untied = (proof: ReturnType<typeof proofs>) => proof.findings.filter((f) => f.problem === 'untied').map((f) => `${f.runId}: ${f.detail}`);

test('the intact store proves the same split and in one thread', () => {
  const proof = proofs(copy(''));
  assert.equal([proof.chain.ok, proof.findings], [true, []]);
});

for (const runId of ['run-before', 'run-after']) {
  test(`a changed runs row and a changed journal intent of ${runId} are named split as in one thread`, () => {
    const operator = untied(proofs(copy(`UPDATE runs SET operator = 'mallory' WHERE id = '${runId}'`)));
    assert.equal(operator, [`${runId}: run ${runId}: operator in the runs table differ from the audit trail`]);
    const intent = untied(proofs(copy(`UPDATE intents SET action = 'manual' WHERE run_id = '${runId}'`)));
    assert.equal(intent.length, 1, intent.join('\n'));
    assert.match(intent[0]!, new RegExp(`^${runId}: journal intent \\d+ \\(run ${runId}\\) differs from its audit record seq \\d+$`));
  });
}

test.run();
