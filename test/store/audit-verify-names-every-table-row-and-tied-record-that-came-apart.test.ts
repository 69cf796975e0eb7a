// The tables the reports read are tied to the chain (store/audit-ties.ts, checked inside SQLite):
// each way a row and its hashed record can come apart is named — a row with no record, a record
// whose row is gone, a row that differs from its record — for runs, intents, outcomes and step
// states; rows older than the tie (tie_start) are a note; an anchor record naming another store id
// is found. Each attack on its own copy of one store, proved as `audit verify` proves a file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, proveStoreFile } from '../../store/index.js';
import { tamper } from '../proof/tamper.js';
import { runInput, tempStore, type TempStore } from './support.js';

let t: TempStore;
let pristine = '';
let n = 0;

test.before(() => {
  t = tempStore();
  const s = t.store;
  s.runs.create(runInput('run-1'));
  s.runs.create(runInput('run-2'));
  const ok = s.journal.intent({ runId: 'run-1', stepId: 'master-key', attempt: 1, action: 'apply' });
  s.journal.outcome({ intentId: ok, status: 'ok' });
  s.journal.step({ runId: 'run-1', stepId: 'master-key', status: 'done', attempt: 1, detail: 'master key exists' });
  const failed = s.journal.intent({ runId: 'run-1', stepId: 'set-partner', attempt: 1, action: 'apply' });
  s.journal.outcome({ intentId: failed, status: 'error', error: { number: 1418, message: 'the server network address cannot be reached' } });
  s.journal.step({ runId: 'run-1', stepId: 'set-partner', status: 'failed', attempt: 1, error: { number: 1418, message: 'unreachable' } });
  s.runs.setStatus('run-1', 'failed', 1);
  s.close();
  pristine = join(t.dir, 'pristine.db');
  copyFileSync(t.path, pristine);
});
test.after(() => t.cleanup());

/** The findings and notes of a copy of the store after `sql`, one a line (but the triggers the
 * attack dropped to change the tables, which verify names too). */
function attacked(sql: string, before?: (file: string) => void): string {
  const file = join(t.dir, `attacked-${(n += 1)}.db`);
  copyFileSync(pristine, file);
  before?.(file);
  if (sql) tamper(file, `PRAGMA foreign_keys = OFF; ${sql}`);
  const proof = proveStoreFile(file);
  assert.ok(proof.chain.ok, 'the chain itself is intact');
  return [
    ...proof.findings.filter((f) => f.problem !== 'schema').map((f) => `${f.problem}${f.runId ? ` [${f.runId}]` : ''}: ${f.detail}`),
    ...proof.notes,
  ].join('\n');
}

test('the untouched store: every row tied, nothing found', () => {
  assert.is(attacked(''), '');
});

test('a record whose row is gone: named with its seq and run', () => {
  assert.match(
    attacked('DELETE FROM intents WHERE id = 2'),
    /untied \[run-1\]: audit record seq \d+ is the intent of journal entry 2, which is gone from the journal/,
  );
  assert.match(
    attacked('DELETE FROM outcomes WHERE intent_id = 1'),
    /untied \[run-1\]: audit record seq \d+ is the outcome of journal intent 1, which has no outcome in the journal/,
  );
  assert.match(attacked('DELETE FROM step_states WHERE id = 1'), /untied \[run-1\]: audit record seq \d+ records step state 1, which is gone from the journal/);
  assert.match(attacked("DELETE FROM runs WHERE id = 'run-2'"), /untied \[run-2\]: run run-2 has a run-start record \(seq 2\) but no row in the runs table/);
});

test('a row with no record: named with its run and step', () => {
  const found = attacked(`INSERT INTO intents (id, run_id, step_id, attempt, action, at) VALUES (3, 'run-1', 'forged', 1, 'apply', 'now');
    INSERT INTO outcomes (intent_id, status, at) VALUES (3, 'ok', 'now');
    INSERT INTO step_states (id, run_id, step_id, status, attempt, at) VALUES (3, 'run-2', 'forged', 'done', 1, 'now');
    INSERT INTO runs SELECT 'run-3', procedure, pair_key, definition_hash, definition, operator, os_user, host, pid, argv, status, exit_code,
      started_at, updated_at, ended_at FROM runs WHERE id = 'run-1'`);
  assert.match(found, 'untied [run-1]: journal intent 3 (run run-1, step forged) has no intent record in the audit trail');
  assert.match(found, 'untied [run-1]: the outcome of journal intent 3 (run run-1) has no outcome record in the audit trail');
  assert.match(found, 'untied [run-2]: step state 3 (run run-2, step forged: done) has no step record in the audit trail');
  assert.match(found, 'untied [run-3]: run run-3 is in the runs table but the audit trail has no run-start record for it');
  assert.is(found.split('\n').length, 4, found);
});

test('a row that differs from its record: each table, each column the reports show', () => {
  const cases: [sql: string, found: RegExp][] = [
    ["UPDATE intents SET step_id = 'other' WHERE id = 1", /untied \[run-1\]: journal intent 1 \(run run-1\) differs from its audit record seq \d+/],
    ["UPDATE intents SET action = 'manual' WHERE id = 2", /journal intent 2 \(run run-1\) differs/],
    [
      "UPDATE outcomes SET message = 'all fine' WHERE intent_id = 2",
      /untied \[run-1\]: the outcome of journal intent 2 \(run run-1\) differs from its audit record seq \d+/,
    ],
    ['UPDATE outcomes SET error_number = NULL WHERE intent_id = 2', /the outcome of journal intent 2 \(run run-1\) differs/],
    [
      "UPDATE step_states SET detail = 'nothing' WHERE id = 1",
      /untied \[run-1\]: step state 1 \(run run-1, step master-key\) differs from its audit record seq \d+/,
    ],
    ["UPDATE step_states SET error_message = 'fine' WHERE id = 2", /step state 2 \(run run-1, step set-partner\) differs/],
    ["UPDATE step_states SET status = 'done' WHERE id = 2", /step state 2 \(run run-1, step set-partner\) differs/],
    [
      "UPDATE runs SET status = 'done', exit_code = 0 WHERE id = 'run-1'",
      /untied \[run-1\]: run run-1: status, exit code in the runs table differ from the audit trail/,
    ],
    ["UPDATE runs SET status = 'done' WHERE id = 'run-2'", /run run-2: status in the runs table differ/],
    [
      "UPDATE runs SET host = 'elsewhere', argv = '[]', definition = '{}' WHERE id = 'run-2'",
      /run run-2: host, command line, definition in the runs table differ/,
    ],
  ];
  for (const [sql, found] of cases) assert.match(attacked(sql), found, sql);
});

test('rows written before the store tied its tables are a note, not checked', () => {
  const found = attacked("UPDATE tie_start SET first_id = 100 WHERE tbl IN ('intents', 'step_states'); UPDATE intents SET step_id = 'other'");
  assert.match(found, '2 intents rows were written before this store tied its tables to the audit trail (schema 3) and are not checked');
  assert.match(found, '2 step_states rows were written before');
  assert.not.match(found, /untied/);
});

test('an anchor record naming another store id: the first such record is named', () => {
  const found = attacked('', (file) => {
    const ours = new Database(file, { readonly: true }).prepare('SELECT store_id FROM store_identity').pluck().get() as string;
    const store = openStore(file);
    store.audit.append({ kind: 'anchor', runId: 'run-1', server: 'SQLA', result: 'written', data: { storeId: ours } });
    store.audit.append({ kind: 'anchor', runId: 'run-2', server: 'SQLA', result: 'written', data: { storeId: 'not-this-store' } });
    store.audit.append({ kind: 'anchor', runId: 'run-1', server: 'SQLB', result: 'written', data: { storeId: 'nor-this-one' } });
    store.close();
  });
  assert.match(found, /anchor \[run-2\]: record \d+ anchored its run as store not-this-store, but the store now calls itself [0-9a-f]+: its id was changed/);
  assert.is(found.split('\n').length, 1, found);
});

test('a chain broken after an anchor record naming another store id: the record before the break is still named', () => {
  const file = join(t.dir, `attacked-${(n += 1)}.db`);
  copyFileSync(pristine, file);
  const store = openStore(file);
  store.audit.append({ kind: 'anchor', runId: 'run-2', server: 'SQLA', result: 'written', data: { storeId: 'not-this-store' } });
  const after = store.audit.append({ kind: 'note', result: 'ok' }).seq;
  store.close();
  tamper(file, `UPDATE audit SET message = 'rewritten' WHERE seq = ${after}`);
  const proof = proveStoreFile(file);
  assert.is(proof.chain.ok ? 0 : proof.chain.firstBad.seq, after);
  const found = proof.findings.filter((f) => f.problem === 'anchor').map((f) => `${f.runId}: ${f.detail}`);
  assert.equal(found.length, 1, found.join('\n'));
  assert.match(found[0]!, /^run-2: record \d+ anchored its run as store not-this-store/);
  assert.not.ok(
    proof.findings.some((f) => f.problem === 'untied'),
    'no table is tied to a broken chain',
  );
});

test('a record moved before the first (seq 0) breaks the chain there and is not held to the store id', () => {
  const file = join(t.dir, `attacked-${(n += 1)}.db`);
  copyFileSync(pristine, file);
  tamper(file, "UPDATE audit SET seq = 0, kind = 'anchor', data = json_object('storeId', 'not-this-store') WHERE seq = 1");
  const proof = proveStoreFile(file);
  assert.equal(proof.chain.ok ? undefined : [proof.chain.firstBad.seq, proof.chain.firstBad.problem], [1, 'edited']);
  assert.not.ok(
    proof.findings.some((f) => f.problem === 'anchor'),
    proof.findings.map((f) => f.detail).join('\n'),
  );
});

test.run();
