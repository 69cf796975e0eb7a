// Every run leaves its anchor on the servers it touched — a row in msdb.dbo.mirrorbook_run_anchors a
// DBA reads with plain T-SQL and a line in the error log — and `audit verify` reads them back from
// every reachable partner: an older copy of the store put back, or a chain rebuilt without the key,
// is named with its run (exit 1); another store's anchors on the same pair are a note naming its
// host, not missing runs, while a store whose id was changed is named; with no server reachable it
// says so (exit 5); an anchors table dropped behind the store's back names every run anchored
// there (exit 1). (cleanup and --drop-anchors: a-pair-lives-…-disable-cleanup.test.ts)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { startPairLab, type PairLab } from './pair-lab.js';
import { rechain, tamper } from '../proof/tamper.js';

let pair: PairLab;
let store = '';
const runIds: string[] = [];

test.before(async () => {
  pair = await startPairLab();
  store = join(pair.lab.dir, 'state.db');
});
test.after(async () => {
  await pair?.stop();
});

const latestRunId = async (): Promise<string> => (JSON.parse((await pair.mb('runs', '--json')).stdout.split('\n')[0]!) as { id: string }).id;

test('each run is anchored on both partners: a row in msdb and a line in the error log', async () => {
  const first = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(first.code, 0, first.stderr);
  runIds.push(await latestRunId());
  copyFileSync(store, join(pair.lab.dir, 'before-second-run.db'));
  const second = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(second.code, 0, second.stderr);
  runIds.push(await latestRunId());
  for (const instance of ['SQLPRI01', 'SQLMIR01']) {
    const rows = await pair.sql(instance, 'SELECT run_id, procedure_name, outcome, head_seq, head_hash FROM msdb.dbo.mirrorbook_run_anchors');
    assert.equal(
      rows.map((r) => [r.run_id, r.procedure_name, r.outcome]),
      runIds.map((id) => [id, 'certificate-setup', 'done']),
      instance,
    );
    const log = await pair.sql(instance, 'EXEC xp_readerrorlog');
    assert.ok(
      log.some((l) => String(l.Text).includes(`mirrorbook run ${runIds[1]} (certificate-setup)`)),
      `${instance}: the error log names the run`,
    );
  }
  const verify = await pair.mb('audit', 'verify');
  assert.is(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /anchors checked on SQLPRI01, SQLMIR01: 4 run anchors/);
});

test('an older copy of the store put back: the run it lacks is named (exit 1)', async () => {
  const current = join(pair.lab.dir, 'current.db');
  copyFileSync(store, current);
  try {
    copyFileSync(join(pair.lab.dir, 'before-second-run.db'), store);
    const verify = await pair.mb('audit', 'verify');
    assert.is(verify.code, 1, verify.stdout + verify.stderr);
    assert.match(verify.stderr, `(run ${runIds[1]}): anchor — SQLPRI01's anchor of run ${runIds[1]} (certificate-setup`);
    assert.match(verify.stderr, 'the store has no such run');
  } finally {
    copyFileSync(current, store);
  }
});

test('a chain rebuilt without the key after records were cut: the head the anchors recorded is not reached', async () => {
  const current = join(pair.lab.dir, 'current.db');
  copyFileSync(store, current);
  try {
    tamper(store, `DELETE FROM audit WHERE run_id = '${runIds[0]}' AND kind = 'probe'; DELETE FROM audit WHERE kind = 'step' AND run_id = '${runIds[0]}'`);
    rechain(store);
    const verify = await pair.mb('audit', 'verify');
    assert.is(verify.code, 1, verify.stdout + verify.stderr);
    assert.match(verify.stderr, `(run ${runIds[1]}): anchor`);
    assert.match(verify.stderr, /records the audit head at seq \d+, but the store ends at seq \d+|the chain was rewritten/);
  } finally {
    copyFileSync(current, store);
    rmSync(`${store}-wal`, { force: true });
    rmSync(`${store}-shm`, { force: true });
  }
});

test('a server slow to log in is still checked: the read limit counts from the connection, not from loading the driver and the login', async () => {
  // Every TDS response of SQLPRI01 waits 700 ms: the prelogin, the TLS handshake, the login and the
  // identity check take several times the 2.5 s read limit before the anchors are asked for.
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'slow', ms: 700 });
  try {
    const verify = await pair.cli(['audit', 'verify'], { env: { MIRRORBOOK_READ_TIMEOUT_MS: '2500' } }).done;
    assert.is(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /anchors checked on SQLPRI01, SQLMIR01: 4 run anchors/);
  } finally {
    await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'slow', ms: 0 });
  }
});

const moveStore = (from: string, to: string): void => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(to + suffix, { force: true });
  for (const suffix of ['', '-wal', '-shm'])
    try {
      renameSync(from + suffix, to + suffix);
    } catch {
      /* no -wal / -shm */
    }
};

test("another store's runs on the same pair are a note naming its host, not runs this store lacks; a changed store id is named", async () => {
  const mine = join(pair.lab.dir, 'mine.db');
  moveStore(store, mine);
  try {
    const other = await pair.mb('run', 'certificate-setup', '--yes');
    assert.is(other.code, 0, other.stderr);
    const otherRun = await latestRunId();
    const otherId = String((await pair.sql('SQLPRI01', `SELECT store_id FROM msdb.dbo.mirrorbook_run_anchors WHERE run_id = N'${otherRun}'`))[0]!.store_id);
    assert.match(otherId, /^[0-9a-f]{32}$/);
    moveStore(store, join(pair.lab.dir, 'other.db'));
    moveStore(mine, store);
    const verify = await pair.mb('audit', 'verify');
    assert.is(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(
      verify.stdout,
      `note: SQLPRI01, SQLMIR01 hold 1 run anchor of another store (id ${otherId}, host ${hostname()}), not this store's to account for: ${otherRun}`,
    );
    const current = join(pair.lab.dir, 'current.db');
    copyFileSync(store, current);
    try {
      tamper(store, `UPDATE store_identity SET store_id = '${otherId}'`);
      const changed = await pair.mb('audit', 'verify');
      assert.is(changed.code, 1, changed.stdout + changed.stderr);
      assert.match(changed.stderr, `anchored its run as store`);
      assert.match(changed.stderr, `but the store now calls itself ${otherId}: its id was changed`);
      assert.match(changed.stderr, `(run ${runIds[0]}): anchor — SQLPRI01's anchor of run ${runIds[0]}`);
    } finally {
      moveStore(current, store);
    }
  } finally {
    if (existsSync(mine)) moveStore(mine, store);
  }
});

test("the anchors table dropped on one server behind the store's back: each run anchored there is named with that server (exit 1)", async () => {
  await pair.sql('SQLMIR01', 'DROP TABLE msdb.dbo.mirrorbook_run_anchors');
  const verify = await pair.mb('audit', 'verify');
  assert.is(verify.code, 1, verify.stdout + verify.stderr);
  for (const runId of runIds) {
    assert.match(
      verify.stderr,
      new RegExp(
        `\\(run ${runId}\\): anchor — run ${runId} \\(done\\): the anchor the store recorded writing on SQLMIR01 \\(record \\d+\\) is gone from SQLMIR01`,
      ),
    );
  }
  assert.not.match(verify.stderr, 'is gone from SQLPRI01');
});

test('with no server reachable: intact locally, anchors not checked (exit 5)', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'down' });
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'down' });
  const verify = await pair.mb('audit', 'verify');
  assert.is(verify.code, 5, verify.stdout + verify.stderr);
  assert.match(verify.stdout, 'intact locally, anchors not checked: no server reachable');
});

test.run();
