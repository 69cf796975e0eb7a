// One monitor against a witness pair set up by `run setup`, through what a witness site goes through:
// a stopped endpoint, a certificate about to expire (by the server's clock), the witness lost and back, quorum lost (mirror
// and witness gone), a planned failover and back (one role-change event each), then the principal
// lost: the witness fails over to the mirror, the monitor raises exactly one role-change event
// (automatic failover) and never tells anyone to promote while a partner serves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PairLab, RunningCli } from '../runbooks/pair-lab.js';
import { count, events, startMonitorLab, waitForEvent, type MonitorEventJson } from './monitor-lab.js';

let pair: PairLab;
let monitor: RunningCli;
test.before(async () => {
  pair = await startMonitorLab({ witness: true, monitorYaml: '  clearAfterPolls: 3\n  inventorySeconds: 1\n  certificateWarningDays: 30' });
  // The service in a process of its own, as it runs (and is killed) in production.
  monitor = pair.cli(['monitor', '--interval', '0.2', '--json'], { process: true });
});
test.after(async () => {
  monitor?.interrupt('SIGKILL');
  await pair?.stop();
});

/** The monitor's output from now on. */
function from(): () => string {
  const mark = monitor.output().length;
  return () => monitor.output().slice(mark);
}
const noPromote = (list: MonitorEventJson[]) => {
  for (const e of list) assert.not.match(e.advice, /promote|force service/i, `${e.type} ${e.key}: ${e.advice}`);
};
async function healthyAgain(): Promise<void> {
  for (const instance of ['SQLPRI01', 'SQLMIR01']) await pair.waitFor(instance, 'Patriot', 'SYNCHRONIZED');
}

test('a stopped mirroring endpoint is raised (critical) and cleared when it is started again', async () => {
  const since = from();
  const [endpoint] = await pair.sql('SQLMIR01', 'SELECT name FROM sys.database_mirroring_endpoints');
  await pair.sql('SQLMIR01', `ALTER ENDPOINT [${String(endpoint!.name)}] STATE = STOPPED`);
  const raised = await waitForEvent(since, 'raised', 'endpoint:SQLMIR01');
  assert.is(raised.severity, 'critical');
  assert.match(raised.message, /^SQLMIR01 \(mirror\): the mirroring endpoint is STOPPED/);
  assert.match(raised.advice, /STATE = STARTED/);
  await pair.sql('SQLMIR01', `ALTER ENDPOINT [${String(endpoint!.name)}] STATE = STARTED`);
  await waitForEvent(since, 'cleared', 'endpoint:SQLMIR01');
  await healthyAgain();
  await waitForEvent(since, 'cleared', 'state:Patriot');
  assert.is(count(since(), 'raised', 'endpoint:SQLMIR01'), 1);
  noPromote(events(since()));
});

test('a certificate expiring within the window is a warning naming its date; dropped, it clears', async () => {
  const since = from();
  const expiry = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await pair.sql('SQLPRI01', `USE master; CREATE CERTIFICATE Soon_cert WITH SUBJECT = 'expires soon', EXPIRY_DATE = '${expiry.replaceAll('-', '')}'`);
  const raised = await waitForEvent(since, 'raised', 'certificate:SQLPRI01:Soon_cert');
  assert.is(raised.severity, 'warning');
  assert.match(raised.message, new RegExp(`certificate Soon_cert on SQLPRI01 expires on ${expiry} \\(in (9|10) days\\)`));
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE Soon_cert');
  await waitForEvent(since, 'cleared', 'certificate:SQLPRI01:Soon_cert');
  // The endpoint certificates setup made expire far beyond the window: never raised.
  assert.equal(
    events(since())
      .filter((e) => e.kind === 'certificate-expiring')
      .map((e) => e.key),
    ['certificate:SQLPRI01:Soon_cert', 'certificate:SQLPRI01:Soon_cert'],
  );
});

test("a certificate is judged by its server's clock: outside the window here, inside it where the clock runs ahead", async () => {
  const since = from();
  const expiry = new Date(Date.now() + 50 * 86_400_000).toISOString().slice(0, 10);
  await pair.sql('SQLPRI01', `USE master; CREATE CERTIFICATE Later_cert WITH SUBJECT = 'expires later', EXPIRY_DATE = '${expiry.replaceAll('-', '')}'`);
  await pair.lab.cli('fault', 'SQLPRI01', 'clock', '+25d');
  try {
    const raised = await waitForEvent(since, 'raised', 'certificate:SQLPRI01:Later_cert');
    assert.match(raised.message, new RegExp(`certificate Later_cert on SQLPRI01 expires on ${expiry} \\(in (24|25) days\\)`));
  } finally {
    await pair.lab.cli('fault', 'SQLPRI01', 'clock', '0');
  }
  await waitForEvent(since, 'cleared', 'certificate:SQLPRI01:Later_cert');
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE Later_cert');
});

test('the witness lost is a warning (no automatic failover meanwhile); back, it clears once', async () => {
  const since = from();
  await pair.lab.cli('fault', 'SQLWIT01', 'down');
  const lost = await waitForEvent(since, 'raised', 'witness-lost:Patriot');
  assert.is(lost.severity, 'warning');
  assert.match(lost.message, /witness TCP:\/\/\S+ is DISCONNECTED/);
  assert.match(lost.advice, /no automatic failover/);
  assert.is((await waitForEvent(since, 'raised', 'unreachable:SQLWIT01')).severity, 'warning');
  await pair.lab.cli('fault', 'SQLWIT01', 'up');
  await waitForEvent(since, 'cleared', 'witness-lost:Patriot');
  await waitForEvent(since, 'cleared', 'unreachable:SQLWIT01');
  assert.is(count(since(), 'raised', 'witness-lost:Patriot'), 1);
  assert.is(count(since(), 'raised', 'quorum-lost:Patriot'), 0, 'the mirror was there: quorum held');
  noPromote(events(since()));
});

test('mirror and witness both gone: the principal has lost quorum (critical); back, it clears', async () => {
  const since = from();
  await pair.lab.cli('fault', 'SQLWIT01', 'down');
  await pair.lab.cli('fault', 'SQLMIR01', 'down');
  const lost = await waitForEvent(since, 'raised', 'quorum-lost:Patriot');
  assert.is(lost.severity, 'critical');
  assert.match(lost.message, /^Patriot on SQLPRI01 \(principal\): quorum lost/);
  await pair.lab.cli('fault', 'SQLMIR01', 'up');
  await pair.lab.cli('fault', 'SQLWIT01', 'up');
  await healthyAgain();
  await waitForEvent(since, 'cleared', 'quorum-lost:Patriot');
  assert.is(count(since(), 'raised', 'quorum-lost:Patriot'), 1);
  assert.is(count(since(), 'notice', 'role-change:Patriot:SQLMIR01'), 0, 'no failover: the witness had lost the mirror too');
});

test('a planned failover and the failback are one role-change event each', async () => {
  await waitForEvent(monitor.output, 'cleared', 'state:Patriot');
  const since = from();
  await pair.sql('SQLPRI01', 'ALTER DATABASE Patriot SET PARTNER FAILOVER');
  const over = await waitForEvent(since, 'notice', 'role-change:Patriot:SQLMIR01');
  assert.is(over.kind, 'role-change');
  assert.match(over.message, /^Patriot: planned failover — SQLMIR01, configured mirror, now (principal|principal and mirror) serves in place of SQLPRI01/);
  await pair.waitFor('SQLMIR01', 'Patriot', 'SYNCHRONIZED', 'PRINCIPAL');
  await pair.sql('SQLMIR01', 'ALTER DATABASE Patriot SET PARTNER FAILOVER');
  const back = await waitForEvent(since, 'notice', 'role-change:Patriot:SQLPRI01');
  assert.match(back.message, /^Patriot: planned failover — SQLPRI01 \(principal\) serves in place of SQLMIR01/);
  await healthyAgain();
  await waitForEvent(since, 'cleared', 'state:Patriot');
  assert.equal(
    events(since())
      .filter((e) => e.kind === 'role-change')
      .map((e) => e.key),
    ['role-change:Patriot:SQLMIR01', 'role-change:Patriot:SQLPRI01'],
  );
  noPromote(events(since()));
});

test('the principal lost: the witness fails over, one automatic-failover event per database, no advice to promote; the old principal rejoins as mirror', async () => {
  // The shortest partner timeout there is (5 s, not the default 10): how long is not what this proves.
  for (const database of ['Patriot', 'PatriotArchive']) await pair.sql('SQLPRI01', `ALTER DATABASE ${database} SET PARTNER TIMEOUT 5`);
  const since = from();
  await pair.lab.cli('fault', 'SQLPRI01', 'down');
  const lost = await waitForEvent(since, 'raised', 'unreachable:SQLPRI01');
  assert.match(lost.advice, /the witness should fail over to SQLMIR01 automatically/);
  const failover = await waitForEvent(since, 'notice', 'role-change:Patriot:SQLMIR01');
  assert.match(failover.message, /^Patriot: automatic failover — SQLMIR01, configured mirror, now principal serves in place of SQLPRI01/);
  assert.match(failover.advice, /reconnect to SQLMIR01/);
  // Once the mirror serves, the lost instance is the former principal and the advice says so.
  const changed = await waitForEvent(since, 'changed', 'unreachable:SQLPRI01');
  assert.match(changed.message, /^SQLPRI01 \(former principal\) is unreachable/);
  assert.match(changed.advice, /SQLMIR01 serves as principal/);
  await pair.lab.cli('fault', 'SQLPRI01', 'up');
  await pair.waitFor('SQLPRI01', 'Patriot', 'SYNCHRONIZED', 'MIRROR');
  await waitForEvent(since, 'cleared', 'unreachable:SQLPRI01');
  await waitForEvent(since, 'cleared', 'state:Patriot');
  const roleChanges = events(since()).filter((e) => e.kind === 'role-change');
  assert.equal(roleChanges.map((e) => e.key).sort(), ['role-change:Patriot:SQLMIR01', 'role-change:PatriotArchive:SQLMIR01']);
  for (const e of roleChanges) assert.match(e.message, /automatic failover/);
  noPromote(events(since()));
});

test.run();
