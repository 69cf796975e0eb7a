// msdb's mirroring monitor on the lab model, on the lab's own clock: sp_dbmmonitoraddmonitoring's
// job adds a row per mirrored database every update period (none once dropped);
// figures sit on the side they belong to (NULL on the other); rates are averages since the last
// row; while the session is suspended time_behind stays at the suspension and the send rate is 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { suspend } from '../../lab/mirroring/partner-options.js';
import { addMonitoring, dropMonitoring, resultRows, timeBehind, updateStatus } from '../../lab/mirroring/monitor-status.js';
import { MIR, PRI, envAt, mirroredLab } from './mirroring-fixture.js';

const rows = (lab: Awaited<ReturnType<typeof mirroredLab>>['lab'], instance: string) => lab.instances[instance]!.dbmMonitor?.rows ?? [];

test('the monitor job adds a row per mirrored database every update period, and stops when dropped', async () => {
  const { lab, clock } = await mirroredLab();
  addMonitoring(lab.instances[PRI]!, 2, clock.now);
  clock.advance(60_000);
  assert.is(rows(lab, PRI).length, 0, 'not before the first period ends');
  clock.advance(60_000);
  assert.is(rows(lab, PRI).length, 1);
  clock.advance(4 * 60_000);
  assert.is(rows(lab, PRI).length, 3, 'one row every two minutes');
  assert.is(rows(lab, MIR).length, 0, 'a job runs only where it was created');
  dropMonitoring(lab.instances[PRI]!);
  clock.advance(10 * 60_000);
  assert.is(rows(lab, PRI).length, 3);
});

test('principal rows carry the send side, mirror rows the redo side; rates are averages since the last row', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  for (const name of [PRI, MIR]) updateStatus(lab.instances[name]!, null, clock.now);
  clock.advance(10_000);
  for (const name of [PRI, MIR]) updateStatus(lab.instances[name]!, 'Patriot', clock.now);
  const [p] = resultRows(lab.instances[PRI]!, 'Patriot', 0, clock.now);
  const [m] = resultRows(lab.instances[MIR]!, 'Patriot', 0, clock.now);
  assert.is(p!.role, 1);
  assert.is(p!.mirroringState, 4, 'SYNCHRONIZED');
  assert.is(p!.unsentLog, 0);
  assert.is(p!.unrestoredLog, null);
  assert.is(p!.recoveryRate, null);
  // The fixture's workload: 10 transactions a second of 4 KB each.
  assert.is(p!.logGenerationRate, 40);
  assert.is(p!.sendRate, 40);
  assert.is(p!.transactionsPerSec, 10);
  assert.is(p!.timeBehind, p!.timeRecorded, 'nothing unsent: caught up to now');
  assert.is(m!.role, 2);
  assert.is(m!.unsentLog, null);
  assert.is(m!.sendRate, null);
  assert.is(m!.timeBehind, null, 'meaningful only on the principal');
  assert.ok(m!.unrestoredLog! > 0);
  assert.is(m!.recoveryRate, 40);
  assert.is(resultRows(lab.instances[PRI]!, 'Patriot', 6, clock.now).length, 2, 'last 100 rows: both, newest first');
  assert.is(resultRows(lab.instances[PRI]!, 'Patriot', 6, clock.now)[0], p);
});

test('suspended: time_behind stays at the suspension, the send rate is 0 and the unsent log grows', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  const suspendedAt = clock.now.getTime();
  suspend(envAt(lab, PRI, clock), 'Patriot');
  const principal = lab.instances[PRI]!;
  for (let i = 0; i < 4; i++) {
    clock.advance(30_000);
    updateStatus(principal, 'Patriot', clock.now);
  }
  const suspended = resultRows(principal, 'Patriot', 6, clock.now).reverse();
  for (const r of suspended) {
    assert.is(r.mirroringState, 0, 'SUSPENDED');
    assert.ok(
      Math.abs(Date.parse(r.timeBehind!) - suspendedAt) <= 1000,
      `time_behind ${r.timeBehind} is the suspension (${new Date(suspendedAt).toISOString()})`,
    );
  }
  for (const r of suspended.slice(1)) assert.is(r.sendRate, 0);
  assert.ok(suspended.at(-1)!.unsentLog! > suspended[0]!.unsentLog!, 'the unsent log grows');
  assert.is(timeBehind(principal.databases.Patriot!, clock.now).getTime(), Date.parse(suspended.at(-1)!.timeBehind!));
});

test.run();
