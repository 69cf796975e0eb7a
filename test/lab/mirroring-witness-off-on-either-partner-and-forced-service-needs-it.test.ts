// SET WITNESS OFF may be issued on either partner; forced service needs the principal down and the
// witness OFF or connected to the mirror (learn.microsoft.com: Remove the Witness from a Database
// Mirroring Session; Force Service in a Database Mirroring Session).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forceService } from '../../lab/mirroring/partner-options.js';
import { setWitness, witnessOff } from '../../lab/mirroring/witness.js';
import { failure } from './storage-fixture.js';
import { MIR, PRI, WIT, address, envAt, mirroredLab, mirroringOf } from './mirroring-fixture.js';

async function witnessedLab() {
  const { lab, clock } = await mirroredLab({ witness: true });
  clock.advance(10_000);
  setWitness(envAt(lab, PRI, clock), 'Patriot', address(WIT));
  clock.advance(1_000);
  return { lab, clock };
}

test('SET WITNESS OFF on the mirror of a connected session removes the witness from both partners', async () => {
  const { lab, clock } = await witnessedLab();
  witnessOff(envAt(lab, MIR, clock), 'Patriot');
  assert.is(mirroringOf(lab, MIR)!.witnessName, null);
  assert.is(mirroringOf(lab, PRI)!.witnessName, null);
  assert.is((await failure(() => witnessOff(envAt(lab, MIR, clock), 'Patriot'))).number, 1439);
});

test('principal and witness lost: forced service is 1431 until SET WITNESS OFF on the mirror, then it runs', async () => {
  const { lab, clock } = await witnessedLab();
  lab.faults[WIT]!.down = true;
  lab.faults[PRI]!.down = true;
  clock.advance(15_000);
  assert.is(mirroringOf(lab, MIR)!.role, 'MIRROR', 'no quorum: no automatic failover');
  assert.is(mirroringOf(lab, MIR)!.state, 'DISCONNECTED');
  assert.is((await failure(() => forceService(envAt(lab, MIR, clock), 'Patriot'))).number, 1431);
  witnessOff(envAt(lab, MIR, clock), 'Patriot');
  assert.is(mirroringOf(lab, MIR)!.witnessName, null);
  forceService(envAt(lab, MIR, clock), 'Patriot');
  assert.is(mirroringOf(lab, MIR)!.role, 'PRINCIPAL');
  assert.is(mirroringOf(lab, MIR)!.state, 'SUSPENDED');
  lab.faults[PRI]!.down = false;
  clock.advance(2_000);
  assert.is(mirroringOf(lab, PRI)!.role, 'MIRROR', 'the returning principal becomes the mirror');
  assert.is(mirroringOf(lab, PRI)!.witnessName, null, "the new principal's configuration wins");
});

test('forced service with the principal still connected is 1455, witness or not', async () => {
  const { lab, clock } = await witnessedLab();
  witnessOff(envAt(lab, PRI, clock), 'Patriot');
  assert.is((await failure(() => forceService(envAt(lab, MIR, clock), 'Patriot'))).number, 1455);
});

test.run();
