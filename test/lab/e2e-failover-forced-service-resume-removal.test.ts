// Issue point 7: manual failover and back, forced service with the principal down, the old principal
// returning as a suspended mirror, RESUME, and removal — against the lab process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { connect, connectPair, mirroringState, quickBackups, setUpMirroring, waitForState, type Session } from '../fixtures/lab/pair.js';
import { waitFor } from '../helpers/lab.js';

let lab: TestLab;
const sessions: Session[] = [];
const open = async (instance: string): Promise<Session> => {
  const session = await connect(lab, instance);
  sessions.push(session);
  return session;
};

test.before(async () => {
  lab = await startTestLab();
  await quickBackups(lab);
  const pair = await connectPair(lab);
  await setUpMirroring(pair);
  await pair.close();
});

test('manual failover swaps the roles of both copies and they resynchronize', async () => {
  const pri = await open('SQLPRI01');
  await pri.run('USE master; ALTER DATABASE Patriot SET PARTNER FAILOVER');
  const mir = await open('SQLMIR01');
  const now = await waitForState(mir, 'Patriot', 'SYNCHRONIZED');
  assert.is(now.mirroring_role_desc, 'PRINCIPAL');
  assert.is(now.mirroring_role_sequence, 2);
  const old = await open('SQLPRI01');
  assert.is((await waitForState(old, 'Patriot', 'SYNCHRONIZED')).mirroring_role_desc, 'MIRROR');
  assert.is((await old.run("SELECT state_desc FROM sys.databases WHERE name = 'Patriot'"))[0]?.state_desc, 'RESTORING');
  assert.is((await mir.run("SELECT state_desc FROM sys.databases WHERE name = 'Patriot'"))[0]?.state_desc, 'ONLINE');
});

test('failover back from the new principal', async () => {
  const mir = await open('SQLMIR01');
  await mir.run('USE master; ALTER DATABASE Patriot SET PARTNER FAILOVER');
  const pri = await open('SQLPRI01');
  const row = await waitForState(pri, 'Patriot', 'SYNCHRONIZED');
  assert.is(row.mirroring_role_desc, 'PRINCIPAL');
  assert.is(row.mirroring_role_sequence, 3);
});

test('mirror cut off, then the principal lost: forced service makes the mirror PRINCIPAL, SUSPENDED, and the lost transactions are counted', async () => {
  // The principal keeps committing (the workload) while the mirror cannot receive: that is what forcing loses.
  await lab.cli('fault', 'SQLMIR01', 'isolate');
  const pri = await open('SQLPRI01');
  await waitForState(pri, 'Patriot', 'DISCONNECTED');
  const endOfLog = async () =>
    Number((await pri.run("SELECT mirroring_end_of_log_lsn AS lsn FROM sys.database_mirroring WHERE database_id = DB_ID('Patriot')"))[0]?.lsn);
  const cutOffAt = await endOfLog();
  await waitFor('the principal to commit while the mirror is cut off', async () => (await endOfLog()) > cutOffAt + 5);
  await lab.cli('fault', 'SQLPRI01', 'down');
  const mir = await open('SQLMIR01');
  await waitForState(mir, 'Patriot', 'DISCONNECTED');
  await mir.run('USE master; ALTER DATABASE Patriot SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS');
  const row = await waitForState(mir, 'Patriot', 'SUSPENDED');
  assert.is(row.mirroring_role_desc, 'PRINCIPAL');
  assert.is((await mir.run("SELECT state_desc FROM sys.databases WHERE name = 'Patriot'"))[0]?.state_desc, 'ONLINE');
  const status = await lab.status();
  const loss = status.dataLoss.find((l) => l.database === 'Patriot' && l.reason === 'FORCE_SERVICE');
  assert.ok(loss, 'no data loss recorded for the forced service');
  assert.is(loss.instance, 'SQLPRI01');
  assert.ok(loss.transactions > 0, `lost ${loss.transactions} transactions`);
  assert.match((await lab.cli('status')).stdout, /data loss\s+Patriot on SQLPRI01: \d+ committed transactions \(FORCE_SERVICE/);
});

test('the old principal comes back as a SUSPENDED mirror', async () => {
  await lab.cli('fault', 'SQLMIR01', 'heal');
  const up = await lab.cli('fault', 'SQLPRI01', 'up');
  assert.is(up.code, 0, up.stderr);
  const pri = await open('SQLPRI01');
  const row = await waitFor('the old principal to become a mirror', async () => {
    const r = await mirroringState(pri, 'Patriot');
    return r?.mirroring_role_desc === 'MIRROR' ? r : undefined;
  });
  assert.is(row.mirroring_state_desc, 'SUSPENDED');
});

test('RESUME on the new principal resynchronizes', async () => {
  const mir = await open('SQLMIR01');
  await mir.run('USE master; ALTER DATABASE Patriot SET PARTNER RESUME');
  await waitForState(mir, 'Patriot', 'SYNCHRONIZED');
  const pri = await open('SQLPRI01');
  assert.is((await waitForState(pri, 'Patriot', 'SYNCHRONIZED')).mirroring_role_desc, 'MIRROR');
});

test('SET PARTNER OFF removes the session on both sides; the mirror copy is recovered WITH RECOVERY', async () => {
  const mir = await open('SQLMIR01');
  await mir.run('USE master; ALTER DATABASE Patriot SET PARTNER OFF');
  const pri = await open('SQLPRI01');
  await waitFor('the session to be gone on both', async () => {
    const a = await mirroringState(mir, 'Patriot');
    const b = await mirroringState(pri, 'Patriot');
    return a?.mirroring_state_desc === null && b?.mirroring_state_desc === null;
  });
  assert.is((await pri.run("SELECT state_desc FROM sys.databases WHERE name = 'Patriot'"))[0]?.state_desc, 'RESTORING');
  await pri.run('RESTORE DATABASE Patriot WITH RECOVERY');
  assert.is((await pri.run("SELECT state_desc FROM sys.databases WHERE name = 'Patriot'"))[0]?.state_desc, 'ONLINE');
});

test.after(async () => {
  for (const session of sessions) await session.close().catch(() => {});
  await lab?.stop();
});
test.run();
