// One monitor against one lab pair (no witness) through a DBA's bad afternoon: each SSMS threshold
// crossed under `lab workload` and `lab fault slow` and cleared when it passes; a suspended session
// (send rate 0, the unsent log and its age growing); a link that flaps raising one alarm; the
// principal cut off and the mirror forced into service (a notice), then both principals at once
// (split brain: critical) until the link heals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PairLab, RunningCli } from '../runbooks/pair-lab.js';
import { count, events, startMonitorLab, waitForEvent } from './monitor-lab.js';
import { waitFor } from '../helpers/lab.js';

let pair: PairLab;
let monitor: RunningCli;
const THRESHOLDS =
  '  clearAfterPolls: 3\n  thresholds: { unsentLogKb: 100, unrestoredLogKb: 1500, oldestUnsentMinutes: 0.05, commitOverheadMs: 100, catchUpSeconds: 0 }';
test.before(async () => {
  pair = await startMonitorLab({ monitorYaml: THRESHOLDS });
  // The service in a process of its own, as it runs (and is killed) in production.
  monitor = pair.cli(['monitor', '--interval', '0.2', '--json'], { process: true });
});
test.after(async () => {
  monitor?.interrupt('SIGKILL');
  await pair?.stop();
});

const lab = (...args: string[]) => pair.lab.cli(...args);

test('a busy principal and a slow link cross the commit overhead, unsent and unrestored log thresholds; all clear afterwards', async () => {
  assert.is((await lab('workload', 'SQLPRI01', '400', 'Patriot')).code, 0);
  assert.is((await lab('fault', 'SQLMIR01', 'slow', '500')).code, 0);
  for (const metric of ['commitOverheadMs', 'unsentLogKb', 'unrestoredLogKb']) {
    const e = await waitForEvent(monitor.output, 'raised', `threshold:${metric}:Patriot`, 60_000);
    assert.match(e.message, /over the threshold/);
  }
  await lab('fault', 'SQLMIR01', 'heal');
  await lab('workload', 'SQLPRI01', '20', 'Patriot');
  for (const metric of ['commitOverheadMs', 'unsentLogKb', 'unrestoredLogKb'])
    await waitForEvent(monitor.output, 'cleared', `threshold:${metric}:Patriot`, 60_000);
  for (const metric of ['commitOverheadMs', 'unsentLogKb', 'unrestoredLogKb'])
    assert.is(count(monitor.output(), 'raised', `threshold:${metric}:Patriot`), 1, metric);
});

test('a suspended session: critical, send rate 0, unsent log and its age over their thresholds; resumed, all clear', async () => {
  const before = events(monitor.output()).length;
  // The slow link of the test before may have left Patriot SYNCHRONIZING (a warning): once it is
  // SYNCHRONIZED again, only what this suspension raises is read.
  await pair.waitFor('SQLPRI01', 'Patriot', 'SYNCHRONIZED');
  await waitFor(
    'the state alarm of the test before to clear',
    async () => count(monitor.output(), 'raised', 'state:Patriot') === count(monitor.output(), 'cleared', 'state:Patriot'),
    60_000,
    50,
  );
  const mark = monitor.output().length;
  const since = () => monitor.output().slice(mark);
  await pair.sql('SQLPRI01', 'ALTER DATABASE Patriot SET PARTNER SUSPEND');
  const suspended = await waitForEvent(since, 'raised', 'state:Patriot');
  assert.is(suspended.severity, 'critical');
  assert.match(suspended.message, /Patriot on SQLPRI01 \(principal\): SUSPENDED/);
  assert.match(suspended.advice, /SET PARTNER RESUME/);
  await waitForEvent(since, 'raised', 'threshold:oldestUnsentMinutes:Patriot', 60_000);
  await waitForEvent(since, 'raised', 'threshold:unsentLogKb:Patriot', 60_000);
  const history = await pair.mb('monitor', 'history', '--since', '2m', '--db', 'Patriot', '--json');
  const principalRows = history.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.database === 'Patriot' && r.role === 'PRINCIPAL' && r.mirroringState === 'SUSPENDED' && r.sendRateKbps !== null);
  assert.ok(principalRows.length > 2, 'history holds the suspended polls');
  // The first suspended poll's rate still spans the moment before the suspension.
  for (const r of principalRows.slice(1)) assert.is(r.sendRateKbps, 0, 'nothing is sent while suspended');
  assert.ok(principalRows.at(-1).unsentLogKb > principalRows[0].unsentLogKb, 'the unsent log grows');
  await pair.sql('SQLPRI01', 'ALTER DATABASE Patriot SET PARTNER RESUME');
  await waitForEvent(since, 'cleared', 'state:Patriot', 60_000);
  await waitForEvent(since, 'cleared', 'threshold:oldestUnsentMinutes:Patriot', 60_000);
  assert.ok(events(monitor.output()).length > before);
});

test('a flapping link raises one alarm and clears it once', async () => {
  const mark = monitor.output().length;
  const since = () => monitor.output().slice(mark);
  for (let flap = 0; flap < 3; flap++) {
    await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'isolate' });
    await pair.waitFor('SQLPRI01', 'Patriot', 'DISCONNECTED');
    await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'heal' });
    await pair.waitFor('SQLPRI01', 'Patriot', 'SYNCHRONIZING');
  }
  await waitForEvent(since, 'cleared', 'state:Patriot', 60_000);
  assert.is(count(since(), 'raised', 'state:Patriot'), 1, 'one alarm for the whole flapping');
  assert.is(count(since(), 'cleared', 'state:Patriot'), 1);
});

test('forced service on the mirror while the principal is cut off: a notice, then two principals (critical) until the link heals', async () => {
  await lab('fault', 'SQLPRI01', 'isolate');
  await pair.waitFor('SQLMIR01', 'Patriot', 'DISCONNECTED');
  await pair.sql('SQLMIR01', 'ALTER DATABASE Patriot SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS');
  const notice = await waitForEvent(monitor.output, 'notice', 'role-change:Patriot:SQLMIR01');
  assert.match(notice.message, /^Patriot: forced service — SQLMIR01, configured mirror, now (principal|principal and mirror) serves/);
  const split = await waitForEvent(monitor.output, 'raised', 'two-principals:Patriot');
  assert.is(split.severity, 'critical');
  assert.match(split.message, /split brain/);
  await lab('fault', 'SQLPRI01', 'heal');
  await waitForEvent(monitor.output, 'cleared', 'two-principals:Patriot', 60_000);
  assert.is(count(monitor.output(), 'raised', 'two-principals:Patriot'), 1);
});

test.run();
