import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setWitness } from '../../lab/mirroring/witness.js';
import { openError } from '../../lab/instance/use-database.js';
import { MIR, PRI, WIT, address, envAt, mirroredLab, mirroringOf } from './mirroring-fixture.js';

test('a principal that lost mirror and witness refuses the database with 955; it opens again when the mirror returns', async () => {
  const { lab, clock } = await mirroredLab({ witness: true });
  clock.advance(10_000);
  setWitness(envAt(lab, PRI, clock), 'Patriot', address(WIT));
  clock.advance(1_000);
  assert.is(openError(lab.instances[PRI]!, 'Patriot'), null);
  lab.faults[MIR]!.down = true;
  lab.faults[WIT]!.down = true;
  clock.advance(2_000);
  assert.ok(mirroringOf(lab, PRI)!.quorumLost);
  const refused = openError(lab.instances[PRI]!, 'Patriot');
  assert.is(refused?.number, 955);
  assert.match(refused!.message, /lacks quorum/);
  lab.faults[MIR]!.down = false;
  clock.advance(2_000);
  assert.not.ok(mirroringOf(lab, PRI)!.quorumLost);
  assert.is(openError(lab.instances[PRI]!, 'Patriot'), null);
});

test.run();
