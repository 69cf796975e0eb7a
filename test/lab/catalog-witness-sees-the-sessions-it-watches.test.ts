import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setWitness } from '../../lab/mirroring/witness.js';
import { newLogin } from '../../lab/instance/principals.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { LabState } from '../../lab/model.js';
import { MIR, PRI, WIT, address, envAt, mirroredLab, type Clock } from './mirroring-fixture.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function admin(lab: LabState, name: string, clock: Clock): Promise<InProcessSession> {
  const instance = lab.instances[name]!;
  const login = newLogin(lab, { name: 'mirrorbook', type: 'S', password: PASSWORD, now: clock.now });
  instance.logins[login.name] = login;
  instance.serverRoleMembers['sysadmin'] = [...(instance.serverRoleMembers['sysadmin'] ?? []), login.name];
  const s = await signIn(inProcessInstance(lab, name, { now: () => clock.now }), 'mirrorbook', PASSWORD);
  return s;
}

test('sys.database_mirroring_witnesses on the witness; witness columns and connections on the principal', async () => {
  const { lab, clock } = await mirroredLab({ witness: true });
  clock.advance(10_000);
  setWitness(envAt(lab, PRI, clock), 'Patriot', address(WIT));
  clock.advance(2_000);

  const w = await admin(lab, WIT, clock);
  const r = await w.query(`SELECT database_name, principal_server_name, mirror_server_name, safety_level, safety_level_desc, is_suspended,
    partner_sync_state, partner_sync_state_desc FROM sys.database_mirroring_witnesses`);
  assert.equal(r.errors, []);
  assert.equal(r.resultSets[0]?.rows, [['Patriot', PRI, MIR, 2, 'FULL', false, 5, 'SYNCHRONIZED']]);
  const links = await w.query(`SELECT COUNT(*) FROM sys.dm_db_mirroring_connections`);
  assert.equal(links.resultSets[0]?.rows, [[4]], 'an outbound and an inbound connection to each partner');

  const p = await admin(lab, PRI, clock);
  const dm = await p.query(
    `SELECT mirroring_witness_name, mirroring_witness_state, mirroring_witness_state_desc FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL`,
  );
  assert.equal(dm.resultSets[0]?.rows, [[address(WIT), 1, 'CONNECTED']]);
  const none = await p.query(`SELECT COUNT(*) FROM sys.database_mirroring_witnesses`);
  assert.equal(none.resultSets[0]?.rows, [[0]]);
});

test.run();
