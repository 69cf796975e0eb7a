import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { onClientsDisconnected } from '../../lab/mirroring/hooks.js';
import { failover, forceService, partnerOff, resume, setSafety, suspend } from '../../lab/mirroring/partner-options.js';
import { lostTransactionCount } from '../../lab/mirroring/session.js';
import { restore } from '../../lab/storage/restore.js';
import { failure } from './storage-fixture.js';
import { MIR, PRI, envAt, mirroredLab, mirroringOf } from './mirroring-fixture.js';

test('manual failover swaps roles, bumps role_sequence and disconnects clients', async () => {
  const { lab, clock } = await mirroredLab();
  const early = await failure(() => failover(envAt(lab, PRI, clock), 'Patriot'));
  assert.is(early.number, 1422, 'not SYNCHRONIZED yet');
  clock.advance(10_000);
  lab.instances[PRI]!.programs.push({
    spid: 80,
    programName: 'Patriot',
    hostName: 'APP01',
    loginName: 'patriot',
    database: 'Patriot',
    loginTime: clock.now.toISOString(),
  });
  const events: { instance: string; programSpids: number[] }[] = [];
  const off = onClientsDisconnected((e) => events.push(e));
  const onMirror = await failure(() => failover(envAt(lab, MIR, clock), 'Patriot'));
  assert.is(onMirror.number, 1470);
  const committed = lab.instances[PRI]!.databases.Patriot!.committedTransactions;
  await failover(envAt(lab, PRI, clock), 'Patriot');
  off();
  assert.is(mirroringOf(lab, MIR)!.role, 'PRINCIPAL');
  assert.is(mirroringOf(lab, PRI)!.role, 'MIRROR');
  assert.is(mirroringOf(lab, MIR)!.roleSequence, 2);
  assert.is(mirroringOf(lab, PRI)!.roleSequence, 2);
  assert.is(lab.instances[PRI]!.databases.Patriot!.state, 'RESTORING');
  assert.is(lab.instances[MIR]!.databases.Patriot!.state, 'ONLINE');
  assert.is(lab.instances[MIR]!.databases.Patriot!.committedTransactions, committed, 'no transaction lost');
  assert.equal(events[0], { instance: PRI, database: 'Patriot', programSpids: [80], reason: 'FAILOVER' });
  clock.advance(10_000);
  assert.is(mirroringOf(lab, MIR)!.state, 'SYNCHRONIZED');
  assert.ok(lab.instances[MIR]!.databases.Patriot!.committedTransactions > committed, 'the workload follows the principal');
});

test('failover preconditions: SAFETY OFF 1477, partner gone 1447', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  setSafety(envAt(lab, PRI, clock), 'Patriot', 'OFF');
  assert.is((await failure(() => failover(envAt(lab, PRI, clock), 'Patriot'))).number, 1477);
  setSafety(envAt(lab, PRI, clock), 'Patriot', 'FULL');
  lab.faults[MIR]!.down = true;
  clock.advance(1000);
  assert.is(mirroringOf(lab, PRI)!.state, 'DISCONNECTED');
  assert.is((await failure(() => failover(envAt(lab, PRI, clock), 'Patriot'))).number, 1447);
});

test('SAFETY OFF is refused on Standard edition (1473)', async () => {
  const { lab, clock } = await mirroredLab({ edition: 'Standard' });
  assert.is((await failure(() => setSafety(envAt(lab, PRI, clock), 'Patriot', 'OFF'))).number, 1473);
});

test('forced service loses the send queue, counts it, and the old principal returns as a SUSPENDED mirror; RESUME rolls it back', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  setSafety(envAt(lab, PRI, clock), 'Patriot', 'OFF');
  clock.advance(5_000);
  // The mirror is cut off while the principal keeps committing (it runs exposed).
  lab.faults[MIR]!.isolated = true;
  clock.advance(20_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'DISCONNECTED');
  assert.ok(mirroringOf(lab, PRI)!.sendQueueKB > 0);
  assert.is((await failure(() => forceService(envAt(lab, PRI, clock), 'Patriot'))).number, 1455);
  lab.faults[PRI]!.down = true;
  lab.faults[MIR]!.isolated = false;
  forceService(envAt(lab, MIR, clock), 'Patriot');
  const forced = mirroringOf(lab, MIR)!;
  assert.is(forced.role, 'PRINCIPAL');
  assert.is(forced.state, 'SUSPENDED');
  assert.is(forced.roleSequence, 2);
  assert.is(lab.instances[MIR]!.databases.Patriot!.state, 'ONLINE');
  assert.ok(forced.lostTransactions! >= 200, `20 s of 10 tps never reached the mirror (lost ${forced.lostTransactions})`);
  assert.is(lostTransactionCount(lab, 'Patriot'), forced.lostTransactions);
  clock.advance(5_000);
  lab.faults[PRI]!.down = false;
  clock.advance(1_000);
  assert.is(mirroringOf(lab, PRI)!.role, 'MIRROR');
  assert.is(mirroringOf(lab, PRI)!.state, 'SUSPENDED');
  assert.is(lab.instances[PRI]!.databases.Patriot!.state, 'RESTORING');
  resume(envAt(lab, MIR, clock), 'Patriot');
  assert.is(mirroringOf(lab, MIR)!.state, 'SYNCHRONIZING');
  clock.advance(10_000);
  assert.is(mirroringOf(lab, MIR)!.state, 'SYNCHRONIZED');
  assert.is(lab.instances[PRI]!.databases.Patriot!.recoveryForkGuid, lab.instances[MIR]!.databases.Patriot!.recoveryForkGuid);
});

test('a split brain: the isolated old principal keeps committing; RESUME rolls those back and counts them', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  lab.faults[PRI]!.isolated = true;
  clock.advance(2_000);
  forceService(envAt(lab, MIR, clock), 'Patriot');
  const lostAtForce = mirroringOf(lab, MIR)!.lostTransactions!;
  clock.advance(10_000);
  lab.faults[PRI]!.isolated = false;
  clock.advance(1_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SUSPENDED');
  resume(envAt(lab, MIR, clock), 'Patriot');
  const rollback = (lab.dataLoss ?? []).find((r) => r.reason === 'RESUME_ROLLBACK');
  assert.ok(rollback, 'the returned partner had later transactions');
  assert.ok(rollback!.transactions >= 100, `10 s at 10 tps on the old principal (got ${rollback!.transactions})`);
  assert.is(lostTransactionCount(lab, 'Patriot'), lostAtForce + rollback!.transactions);
});

test('SUSPEND and RESUME; OFF removes both sides and the mirror copy can be recovered', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  suspend(envAt(lab, MIR, clock), 'Patriot');
  assert.is(mirroringOf(lab, PRI)!.state, 'SUSPENDED');
  clock.advance(5_000);
  assert.ok(mirroringOf(lab, PRI)!.sendQueueKB > 0, 'log accumulates while suspended');
  resume(envAt(lab, PRI, clock), 'Patriot');
  clock.advance(10_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZED');
  partnerOff(envAt(lab, PRI, clock), 'Patriot');
  assert.is(mirroringOf(lab, PRI), null);
  assert.is(mirroringOf(lab, MIR), null);
  assert.ok(lab.instances[MIR]!.errorLog.some((l) => l.number === 1443));
  assert.is(lab.instances[MIR]!.databases.Patriot!.state, 'RESTORING');
  await restore(envAt(lab, MIR, clock), { database: 'Patriot', log: false, recovery: true });
  assert.is(lab.instances[MIR]!.databases.Patriot!.state, 'ONLINE');
});

test('OFF on the mirror while the principal is away: the principal learns when it is back', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  lab.faults[PRI]!.down = true;
  clock.advance(1_000);
  partnerOff(envAt(lab, MIR, clock), 'Patriot');
  assert.is(mirroringOf(lab, MIR), null);
  assert.ok(mirroringOf(lab, PRI), 'the stopped principal has not heard yet');
  lab.faults[PRI]!.down = false;
  clock.advance(1_000);
  assert.is(mirroringOf(lab, PRI), null);
  assert.is(lab.instances[PRI]!.databases.Patriot!.state, 'ONLINE');
});

test.run();
