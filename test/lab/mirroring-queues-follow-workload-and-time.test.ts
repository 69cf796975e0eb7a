import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { advanceLab } from '../../lab/mirroring/advance.js';
import { setSafety } from '../../lab/mirroring/partner-options.js';
import { MIR, PRI, envAt, mirroredLab, mirroringOf } from './mirroring-fixture.js';

test('steady workload: no send queue in FULL safety, a small redo queue; the slow fault makes both grow', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  const healthyRedo = mirroringOf(lab, MIR)!.redoQueueKB;
  assert.is(mirroringOf(lab, PRI)!.sendQueueKB, 0);
  assert.ok(healthyRedo > 0);
  lab.faults[MIR]!.slowMs = 2_000;
  clock.advance(10_000);
  assert.ok(mirroringOf(lab, PRI)!.sendQueueKB > 0, 'log in flight on a slow link');
  assert.ok(mirroringOf(lab, MIR)!.redoQueueKB > healthyRedo, `redo queue grows (${healthyRedo} → ${mirroringOf(lab, MIR)!.redoQueueKB})`);
});

test('asynchronous sessions report SYNCHRONIZING or SYNCHRONIZED per the behaviour switch', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  setSafety(envAt(lab, PRI, clock), 'Patriot', 'OFF');
  clock.advance(10_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZED');
  lab.instances[PRI]!.behaviour.asyncReportsSynchronized = false;
  clock.advance(10_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZING');
});

test('a partner going down disconnects both views; coming back resynchronizes', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  lab.faults[MIR]!.down = true;
  clock.advance(2_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'DISCONNECTED');
  const queued = mirroringOf(lab, PRI)!.sendQueueKB;
  clock.advance(5_000);
  assert.ok(mirroringOf(lab, PRI)!.sendQueueKB > queued, 'the principal runs exposed and log accumulates');
  lab.faults[MIR]!.down = false;
  clock.advance(1_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZING');
  clock.advance(10_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZED');
  assert.is(lab.instances[MIR]!.databases.Patriot!.state, 'RESTORING');
});

test('deterministic for a given sequence of times; false when nothing changed', async () => {
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const { lab, clock } = await mirroredLab();
    clock.advance(7_300, 700);
    lab.faults[MIR]!.slowMs = 300;
    clock.advance(4_100, 900);
    const p = lab.instances[PRI]!.databases.Patriot!;
    const m = lab.instances[MIR]!.databases.Patriot!;
    runs.push([
      p.log.endLsn,
      p.committedTransactions,
      m.log.endLsn,
      m.log.restoredThroughLsn,
      mirroringOf(lab, PRI)!.sendQueueKB,
      mirroringOf(lab, MIR)!.redoQueueKB,
      mirroringOf(lab, PRI)!.state,
    ]);
    assert.is(advanceLab(lab, clock.now), false, 'same time again: nothing to do');
  }
  assert.equal(runs[0], runs[1]);
});

test('a step says whether it moved only progress (written within a second) or changed more (written at once)', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZED');
  const step = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
    return advanceLab(lab, clock.now);
  };
  assert.is(step(250), 'progressed', 'the workload commits and ships: log positions and counters only');
  for (const d of Object.values(lab.instances[PRI]!.databases)) d.workloadTps = 0;
  step(250);
  assert.is(step(250), false, 'no workload, caught up: nothing but advancedAt moves');
  lab.faults[MIR]!.down = true;
  assert.is(step(250), 'changed', 'the partner lost: the session is DISCONNECTED');
});

test.run();
