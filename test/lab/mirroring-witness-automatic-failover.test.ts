import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setWitness, witnessOff } from '../../lab/mirroring/witness.js';
import { failure } from './storage-fixture.js';
import { MIR, PRI, WIT, address, envAt, mirroredLab, mirroringOf } from './mirroring-fixture.js';

test('SET WITNESS needs a synchronized session (1426) and a third instance (1429)', async () => {
  const { lab, clock } = await mirroredLab({ witness: true });
  assert.is((await failure(() => setWitness(envAt(lab, PRI, clock), 'Patriot', address(WIT)))).number, 1426);
  clock.advance(10_000);
  assert.is((await failure(() => setWitness(envAt(lab, PRI, clock), 'Patriot', address(MIR)))).number, 1429);
  assert.is((await failure(() => setWitness(envAt(lab, MIR, clock), 'Patriot', address(WIT)))).number, 1470);
  assert.is((await failure(() => witnessOff(envAt(lab, PRI, clock), 'Patriot'))).number, 1439);
  setWitness(envAt(lab, PRI, clock), 'Patriot', address(WIT));
  clock.advance(1_000);
  assert.is(mirroringOf(lab, PRI)!.witnessState, 'CONNECTED');
  assert.is(mirroringOf(lab, MIR)!.witnessName, address(WIT));
});

test('principal lost, mirror and witness connected: automatic failover after the timeout', async () => {
  const { lab, clock } = await mirroredLab({ witness: true });
  clock.advance(10_000);
  setWitness(envAt(lab, PRI, clock), 'Patriot', address(WIT));
  clock.advance(1_000);
  const committed = lab.instances[PRI]!.databases.Patriot!.committedTransactions;
  lab.faults[PRI]!.down = true;
  clock.advance(5_000);
  assert.is(mirroringOf(lab, MIR)!.role, 'MIRROR', 'still within the 10 s partner timeout');
  assert.is(mirroringOf(lab, MIR)!.state, 'DISCONNECTED');
  clock.advance(10_000);
  const m = mirroringOf(lab, MIR)!;
  assert.is(m.role, 'PRINCIPAL');
  assert.is(m.roleSequence, 2);
  assert.is(lab.instances[MIR]!.databases.Patriot!.state, 'ONLINE');
  assert.ok(lab.instances[MIR]!.databases.Patriot!.committedTransactions >= committed, 'synchronous: nothing committed was lost');
  assert.ok(lab.instances[MIR]!.errorLog.some((l) => l.number === 1480 && l.text.includes('automatic failover')));
  lab.faults[PRI]!.down = false;
  clock.advance(1_000);
  assert.is(mirroringOf(lab, PRI)!.role, 'MIRROR', 'the returning principal becomes the mirror');
  assert.is(lab.instances[PRI]!.databases.Patriot!.state, 'RESTORING');
  clock.advance(10_000);
  assert.is(mirroringOf(lab, MIR)!.state, 'SYNCHRONIZED');
});

test('a principal cut off from mirror and witness loses quorum and stops; without the witness the mirror cannot fail over', async () => {
  const { lab, clock } = await mirroredLab({ witness: true });
  clock.advance(10_000);
  setWitness(envAt(lab, PRI, clock), 'Patriot', address(WIT));
  clock.advance(1_000);
  lab.faults[PRI]!.isolated = true;
  clock.advance(2_000);
  assert.ok(mirroringOf(lab, PRI)!.quorumLost);
  const frozen = lab.instances[PRI]!.databases.Patriot!.committedTransactions;
  clock.advance(3_000);
  assert.is(lab.instances[PRI]!.databases.Patriot!.committedTransactions, frozen, 'no commits without quorum');
  clock.advance(10_000);
  assert.is(mirroringOf(lab, MIR)!.role, 'PRINCIPAL', 'mirror + witness have quorum');
  lab.faults[PRI]!.isolated = false;
  lab.faults[WIT]!.down = true;
  clock.advance(1_000);
  lab.faults[MIR]!.down = true;
  clock.advance(15_000);
  assert.is(mirroringOf(lab, PRI)!.role, 'MIRROR', 'no witness: no automatic failover back');
});

test.run();
