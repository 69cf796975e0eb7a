// Issue point 7: lab faults down/up/isolate/heal/slow, as a DBA sees them in sys.database_mirroring.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { startTestLab, waitFor, type TestLab } from '../helpers/lab.js';
import type { InstanceStatus } from '../../lab/control/lab-status.js';
import { connect, connectPair, quickBackups, setUpMirroring, waitForState, type Session } from '../fixtures/lab/pair.js';

let lab: TestLab;
let principal: Session;

const instanceStatus = async (name: string): Promise<InstanceStatus> => (await lab.status()).instances.find((i) => i.name === name)!;

test.before(async () => {
  lab = await startTestLab();
  await quickBackups(lab);
  const pair = await connectPair(lab);
  await setUpMirroring(pair);
  await pair.close();
  principal = await connect(lab, 'SQLPRI01');
});

test('down: the mirror refuses TDS connections and the principal reports DISCONNECTED', async () => {
  const before = await instanceStatus('SQLMIR01');
  const result = await lab.cli('fault', 'SQLMIR01', 'down');
  assert.is(result.code, 0, result.stderr);
  const error = await new sql.ConnectionPool(lab.mssqlConfig('SQLMIR01')).connect().then(
    () => null,
    (e: unknown) => e as Error,
  );
  assert.ok(error, 'a down instance accepted a connection');
  assert.is((await instanceStatus('SQLMIR01')).up, false);
  await waitForState(principal, 'Patriot', 'DISCONNECTED');
  await waitForState(principal, 'PatriotArchive', 'DISCONNECTED');
  assert.ok(before.up);
});

test('up: the mirror restarts (new start time) and the session resynchronizes', async () => {
  const before = await instanceStatus('SQLMIR01');
  const result = await lab.cli('fault', 'SQLMIR01', 'up');
  assert.is(result.code, 0, result.stderr);
  const after = await instanceStatus('SQLMIR01');
  assert.is(after.up, true);
  assert.is.not(after.lastStartupTime, before.lastStartupTime);
  await waitForState(principal, 'Patriot', 'SYNCHRONIZED');
  const mirror = await connect(lab, 'SQLMIR01');
  assert.is((await waitForState(mirror, 'Patriot', 'SYNCHRONIZED')).mirroring_role_desc, 'MIRROR');
  await mirror.close();
});

test('isolate: both answer TDS, both report DISCONNECTED', async () => {
  await lab.cli('fault', 'SQLMIR01', 'isolate');
  const mirror = await connect(lab, 'SQLMIR01');
  await waitForState(principal, 'Patriot', 'DISCONNECTED');
  await waitForState(mirror, 'Patriot', 'DISCONNECTED');
  await mirror.close();
  assert.is((await instanceStatus('SQLMIR01')).faults.isolated, true);
});

test('heal: the session comes back to SYNCHRONIZED', async () => {
  await lab.cli('fault', 'SQLMIR01', 'heal');
  await waitForState(principal, 'Patriot', 'SYNCHRONIZED');
  assert.is((await instanceStatus('SQLMIR01')).faults.isolated, false);
});

test('slow: every response of the instance is delayed, mirroring carries on', async () => {
  await lab.cli('fault', 'SQLPRI01', 'slow', '300');
  assert.is((await instanceStatus('SQLPRI01')).faults.slowMs, 300);
  const started = Date.now();
  const row = (await principal.run("SELECT mirroring_state_desc FROM sys.database_mirroring WHERE database_id = DB_ID('Patriot')"))[0];
  assert.ok(Date.now() - started >= 300, 'the slow fault added no delay');
  assert.ok(['SYNCHRONIZED', 'SYNCHRONIZING'].includes(String(row?.mirroring_state_desc)), String(row?.mirroring_state_desc));
  await lab.cli('fault', 'SQLPRI01', 'slow', '0');
  assert.is((await instanceStatus('SQLPRI01')).faults.slowMs, 0);
});

test('slow mirror: the queues show in msdb.dbo.sp_dbmmonitorresults; heal drains them', async () => {
  const queues = async (session: Session): Promise<number> => {
    const row = (await session.run("USE msdb; EXEC sp_dbmmonitorupdate N'Patriot'; EXEC sp_dbmmonitorresults @database_name = N'Patriot'"))[0];
    return Number(row?.unsent_log ?? 0) + Number(row?.unrestored_log ?? 0);
  };
  const mirror = await connect(lab, 'SQLMIR01');
  await lab.cli('fault', 'SQLMIR01', 'slow', '2000');
  await waitFor('a queue to build up', async () => (await queues(principal)) + (await queues(mirror)) > 0);
  await lab.cli('fault', 'SQLMIR01', 'heal');
  await waitForState(principal, 'Patriot', 'SYNCHRONIZED');
  await mirror.close();
});

test('an unknown instance is named in the refusal', async () => {
  const result = await lab.cli('fault', 'SQLNOPE01', 'down');
  assert.is(result.code, 2, 'a bad argument (lab/README.md: exit codes)');
  assert.match(result.stderr, "no instance named 'SQLNOPE01'");
  assert.match(result.stderr, 'SQLPRI01, SQLMIR01');
});

test.after(async () => {
  await principal?.close().catch(() => {});
  await lab?.stop();
});
test.run();
