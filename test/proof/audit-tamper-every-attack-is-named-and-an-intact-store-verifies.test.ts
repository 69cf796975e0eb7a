// Every attack of issue #11 on a store a real run wrote (the ledger procedure through the CLI),
// each on its own copy, proved in-process the way `audit verify` proves it (store/prove-file.ts):
// each is caught with the record or the run named; the untouched store still proves intact.
// The attacks that only the servers can catch (an older copy put back) are proved here against
// anchors as the servers return them, and end to end against the lab in the anchor test
// (test/runbooks/every-run-is-anchored-on-its-servers-and-verify-cross-checks-the-store.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Harness } from '../engine/cli-harness.js';
import { proveStoreFile } from '../../store/index.js';
import type { RunAnchor, StoreProof } from '../../store/index.js';
import { rechain, tamper } from './tamper.js';

const KEY = 'k3y-0f-the-audit-trail-0123456789abcdef';
const h = await Harness.bundled();
let pristine = '';
let keyed = '';
let runId = '';

function problems(proof: StoreProof): string {
  const chain = proof.chain.ok ? [] : [`#${proof.chain.firstBad.seq} ${proof.chain.firstBad.problem}: ${proof.chain.firstBad.detail}`];
  return [...chain, ...proof.findings.map((f) => `${f.problem}${f.runId ? ` [run ${f.runId}]` : ''}: ${f.detail}`)].join('\n');
}

function attacked(name: string, from: string, attack: (file: string) => void, key?: string): string {
  const file = join(h.dir, `${name}.db`);
  copyFileSync(from, file);
  attack(file);
  return problems(proveStoreFile(file, key ? { key: Buffer.from(key) } : {}));
}

test.before(async () => {
  const exit = await h.run(['run', 'ledger', '--yes', '--confirm', 'Patriot']);
  assert.is(exit.code, 0, exit.stderr);
  pristine = join(h.dir, 'pristine.db');
  copyFileSync(h.storePath, pristine);
  runId = h.withStore((s) => s.runs.list()[0]!.id);
  // The same run with audit.key configured.
  const config = join(h.dir, 'keyed.yaml');
  writeFileSync(config, 'audit:\n  key: env:MB_AUDIT_KEY\n');
  const keyedStore = join(h.dir, 'keyed-run.db');
  const again = await h.run(['run', 'ledger', '--yes', '--confirm', 'Patriot', '--config', config, '--store', keyedStore], {
    MB_AUDIT_KEY: KEY,
    MB_FIXTURE_DIR: join(h.dir, 'fx-keyed'),
  });
  assert.is(again.code, 0, again.stderr);
  keyed = join(h.dir, 'keyed.db');
  copyFileSync(keyedStore, keyed);
});
test.after(() => h.cleanup());

test('the untouched store proves intact: integrity, chain, tables tied, head printed', () => {
  const proof = proveStoreFile(pristine);
  assert.is(problems(proof), '');
  assert.ok(proof.chain.ok);
  assert.ok(proof.chain.head.seq > 20);
  assert.match(proof.chain.head.hash, /^[0-9a-f]{64}$/);
  const withKey = proveStoreFile(keyed, { key: Buffer.from(KEY) });
  assert.is(problems(withKey), '');
  assert.match(withKey.chain.head.hash, /^hmac:[0-9a-f]{64}$/);
});

test('the tail cut and audit_head moved back to the new end: the run whose end was cut is named', () => {
  const found = attacked('cut-tail', pristine, (f) =>
    tamper(
      f,
      `DELETE FROM audit WHERE seq > (SELECT max(seq) - 6 FROM audit);
    UPDATE audit_head SET seq = (SELECT max(seq) FROM audit), hash = (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1)`,
    ),
  );
  assert.match(found, `[run ${runId}]`);
  assert.match(found, /untied/);
});

test('the tail cut, audit_head dropped and schema_migrations rolled back: named, not migrated', () => {
  const found = attacked('rolled-back', pristine, (f) =>
    tamper(
      f,
      `DELETE FROM audit WHERE seq > 10; DROP TABLE audit_head;
    DELETE FROM schema_migrations WHERE version > 1`,
    ),
  );
  assert.match(found, /schema_migrations says version 1/);
  assert.match(found, /#11 deleted/);
});

test('every record deleted: the run the runs table still lists is named', () => {
  const found = attacked('emptied', pristine, (f) => tamper(f, 'DELETE FROM audit'));
  assert.match(found, /#1 deleted/);
  const emptiedHeadToo = attacked('emptied-head', pristine, (f) => tamper(f, 'DELETE FROM audit; DELETE FROM audit_head'));
  assert.match(emptiedHeadToo, `run ${runId} is in the runs table but the audit trail has no run-start record`);
});

test('the records of one step deleted and the chain renumbered and rebuilt: the journal rows left behind name it', () => {
  const found = attacked('rechained', pristine, (f) => {
    tamper(f, "DELETE FROM audit WHERE step_id = 'create-endpoint'");
    rechain(f);
  });
  assert.match(found, new RegExp(`journal intent \\d+ \\(run ${runId}, step create-endpoint\\) has no intent record`));
});

test('a chain rebuilt from scratch without the key fails when audit.key is configured', () => {
  const found = attacked(
    'rebuilt',
    keyed,
    (f) => {
      tamper(f, "DELETE FROM audit WHERE step_id = 'create-endpoint'; DELETE FROM step_states WHERE step_id = 'create-endpoint'");
      rechain(f);
    },
    KEY,
  );
  assert.match(found, /unsigned/);
  assert.match(found, /not signed with the audit key/);
  const withoutKey = problems(proveStoreFile(keyed));
  assert.match(withoutKey, /give audit\.key/);
});

test('UPDATE runs SET operator: the run is named, its header would lie', () => {
  const found = attacked('operator', pristine, (f) => tamper(f, "UPDATE runs SET operator = 'mallory'"));
  assert.match(found, `run ${runId}: operator in the runs table differ`);
});

test('a step state rewritten, an outcome rewritten: named with their run', () => {
  const step = attacked('step', pristine, (f) => tamper(f, "UPDATE step_states SET status = 'skipped' WHERE step_id = 'drop-old-session'"));
  assert.match(step, new RegExp(`step state \\d+ \\(run ${runId}, step drop-old-session\\) differs`));
  const outcome = attacked('outcome', pristine, (f) => tamper(f, "UPDATE outcomes SET status = 'already-done'"));
  assert.match(outcome, `(run ${runId}) differs from its audit record`);
});

test('a record moved before an earlier one, and a record inserted: named by seq', () => {
  const reordered = attacked('reordered', pristine, (f) =>
    tamper(f, 'UPDATE audit SET seq = -1 WHERE seq = 9; UPDATE audit SET seq = 9 WHERE seq = 10; UPDATE audit SET seq = 10 WHERE seq = -1'),
  );
  assert.match(reordered, /#(9|10) (reordered|edited)/);
  const inserted = attacked('inserted', pristine, (f) =>
    tamper(
      f,
      `UPDATE audit SET seq = -(seq + 1) WHERE seq >= 12; UPDATE audit SET seq = -seq WHERE seq < 0;
    INSERT INTO audit SELECT 12, ts, run_id, kind, operator, os_user, host, target, server, step_id, attempt, 'DROP DATABASE [Patriot]', result, error_number, message, data, prev_hash, hash, pid FROM audit WHERE seq = 11`,
    ),
  );
  assert.match(inserted, /#1[123] (inserted|edited|deleted)/);
});

test("an older copy put back: the run the servers anchored after it is named; another store's anchors are only a note", async () => {
  const later = await h.run(['run', 'ledger', '--yes', '--confirm', 'Patriot']);
  assert.is(later.code, 0, later.stderr);
  const { laterRun, head, storeId } = h.withStore((s) => ({ laterRun: s.runs.list()[0]!.id, head: s.audit.head(), storeId: s.id! }));
  assert.match(storeId, /^[0-9a-f]{32}$/);
  const db = new Database(pristine, { readonly: true });
  const copyId = db.prepare('SELECT store_id FROM store_identity').pluck().get();
  db.close();
  assert.is(copyId, storeId, 'a copy of the store keeps its id');
  const anchor = (over: Partial<RunAnchor>): RunAnchor => ({
    server: 'SQLPRI01',
    runId: laterRun,
    procedure: 'ledger',
    operator: 'alice',
    startedAt: '2026-12-04T05:00:00.000Z',
    endedAt: '2026-12-04T05:01:00.000Z',
    outcome: 'done',
    headSeq: head.seq,
    headHash: head.hash,
    storeHost: 'ops01',
    storeId,
    writtenAt: '2026-12-04T05:01:00.000Z',
    ...over,
  });
  const rolledBack = proveStoreFile(pristine, { anchors: [anchor({})] });
  assert.match(problems(rolledBack), `anchor [run ${laterRun}]: SQLPRI01's anchor of run ${laterRun} (ledger by alice, done`);
  assert.match(problems(rolledBack), 'the store has no such run');
  const older = proveStoreFile(pristine, { anchors: [anchor({ runId })] });
  assert.match(problems(older), `the store ends at seq`);
  assert.match(problems(older), "older than the servers' last anchor");
  const other = proveStoreFile(pristine, { anchors: [anchor({ storeId: 'f'.repeat(32), storeHost: 'ops02' })] });
  assert.is(problems(other), '', "another store's run is not this store's to account for");
  assert.match(other.notes.join('\n'), `SQLPRI01 holds 1 run anchor of another store (id ${'f'.repeat(32)}, host ops02)`);
  const legacy = proveStoreFile(pristine, { anchors: [anchor({ storeId: null })] });
  assert.match(problems(legacy), 'the store has no such run', 'an anchor written before store ids is held to the store');
});

test('the WAL deleted after a SIGKILL: the run is named, not shown as an empty store', async () => {
  const k = await Harness.bundled();
  try {
    await k.killAt('intent:grant-connect#1');
    assert.ok(existsSync(`${k.storePath}-wal`), 'the killed run left its WAL');
    rmSync(`${k.storePath}-wal`);
    rmSync(`${k.storePath}-shm`, { force: true });
    const proof = proveStoreFile(k.storePath);
    const found = problems(proof);
    const killed = k.withStore((s) => s.runs.list());
    assert.is(killed.length, 1, 'the run was checkpointed into the main file when it started');
    assert.match(found, `wal-lost [run ${killed[0]!.id}]`);
    assert.match(found, /no WAL file is left beside it/);
  } finally {
    k.cleanup();
  }
});

test.run();
