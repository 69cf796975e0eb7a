import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setBehaviour } from '../../lab/control/behaviour-switches.js';
import { SYNCHRONIZED_AFTER_MS } from '../../lab/mirroring/advance.js';
import { setPartner } from '../../lab/mirroring/set-partner.js';
import { setRecoveryModel } from '../../lab/storage/databases.js';
import { backup } from '../../lab/storage/backup.js';
import { restore } from '../../lab/storage/restore.js';
import { failure } from './storage-fixture.js';
import { Clock, MIR, PRI, address, envAt, mirroredLab, mirroringLab, mirroringOf, seedMirror } from './mirroring-fixture.js';

test('principal first fails with 1416: the mirror side was not set', async () => {
  const lab = mirroringLab();
  await seedMirror(lab);
  const clock = new Clock(lab);
  const f = await failure(() => setPartner(envAt(lab, PRI, clock), 'Patriot', address(MIR)));
  assert.is(f.number, 1416);
  assert.equal(f.followUps, [5069]);
  assert.is(mirroringOf(lab, PRI), null);
});

test('Windows authentication between domain service accounts starts a session', async () => {
  const { lab, clock } = await mirroredLab({ auth: 'WINDOWS' });
  clock.advance(10_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZED');
});

test('mirror first waits; principal second starts SYNCHRONIZING; time brings SYNCHRONIZED', async () => {
  const { lab, clock } = await mirroredLab();
  const p = mirroringOf(lab, PRI)!;
  const m = mirroringOf(lab, MIR)!;
  assert.is(p.role, 'PRINCIPAL');
  assert.is(m.role, 'MIRROR');
  assert.is(p.guid, m.guid);
  assert.is(p.state, 'SYNCHRONIZING');
  assert.is(p.partnerInstance, MIR);
  assert.is(m.partnerInstance, PRI);
  assert.ok(lab.instances[PRI]!.errorLog.some((l) => l.number === 1440));
  assert.ok(lab.instances[MIR]!.errorLog.some((l) => l.number === 1441));
  clock.advance(10_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZED');
  assert.is(mirroringOf(lab, MIR)!.state, 'SYNCHRONIZED');
  assert.is(lab.instances[MIR]!.databases.Patriot!.state, 'RESTORING');
  const principal = lab.instances[PRI]!.databases.Patriot!;
  assert.ok(principal.committedTransactions > 500, 'the workload commits on the principal');
  assert.ok(mirroringOf(lab, MIR)!.redoQueueKB > 0, 'a steady workload leaves some log to redo');
});

test('SYNCHRONIZING lasts 3 s by default; the synchronizedAfterMs switch (quick labs: 0) ends it once caught up', async () => {
  const realistic = await mirroredLab();
  realistic.clock.advance(SYNCHRONIZED_AFTER_MS - 500);
  assert.is(mirroringOf(realistic.lab, PRI)!.state, 'SYNCHRONIZING', 'caught up, but not yet 3 s');
  realistic.clock.advance(1000);
  assert.is(mirroringOf(realistic.lab, PRI)!.state, 'SYNCHRONIZED');
  const quick = await mirroredLab();
  setBehaviour(quick.lab.instances[PRI]!, 'synchronizedAfterMs', '0');
  quick.clock.advance(500);
  assert.is(mirroringOf(quick.lab, PRI)!.state, 'SYNCHRONIZED');
  assert.is(mirroringOf(quick.lab, MIR)!.state, 'SYNCHRONIZED');
  assert.throws(() => setBehaviour(quick.lab.instances[PRI]!, 'synchronizedAfterMs', 'soon'), /synchronizedAfterMs cannot be 'soon'/);
});

test('SET PARTNER errors: own address 1452, twice 1405, not FULL 1465', async () => {
  const { lab, clock } = await mirroredLab();
  const again = await failure(() => setPartner(envAt(lab, PRI, clock), 'Patriot', address(MIR)));
  assert.is(again.number, 1405);
  const fresh = mirroringLab();
  await seedMirror(fresh);
  const c2 = new Clock(fresh);
  const own = await failure(() => setPartner(envAt(fresh, MIR, c2), 'Patriot', address(MIR)));
  assert.is(own.number, 1452);
  fresh.instances[PRI]!.databases.Patriot!.recoveryModel = 'SIMPLE';
  setPartner(envAt(fresh, MIR, c2), 'Patriot', address(PRI));
  const simple = await failure(() => setPartner(envAt(fresh, PRI, c2), 'Patriot', address(MIR)));
  assert.is(simple.number, 1465);
});

test('mirror copy missing (1448) or recovered (1464)', async () => {
  const lab = mirroringLab();
  const clock = new Clock(lab);
  const missing = await failure(() => setPartner(envAt(lab, PRI, clock), 'Patriot', address(MIR)));
  assert.is(missing.number, 1448);
  await seedMirror(lab);
  lab.instances[MIR]!.databases.Patriot!.state = 'ONLINE';
  const online = await failure(() => setPartner(envAt(lab, PRI, clock), 'Patriot', address(MIR)));
  assert.is(online.number, 1464);
});

test('a log backup taken after the full one and not restored on the mirror: 1478 (or 1412)', async () => {
  const lab = mirroringLab();
  await seedMirror(lab, { skipLogRestore: true });
  const clock = new Clock(lab);
  setPartner(envAt(lab, MIR, clock), 'Patriot', address(PRI));
  const f = await failure(() => setPartner(envAt(lab, PRI, clock), 'Patriot', address(MIR)));
  assert.is(f.number, 1478);
  assert.match(f.message, 'insufficient transaction log data');
  lab.instances[PRI]!.behaviour.missingLogError = 1412;
  const g = await failure(() => setPartner(envAt(lab, PRI, clock), 'Patriot', address(MIR)));
  assert.is(g.number, 1412);
});

test('bulk-logged work after the full backup and no log backup since: 1475', async () => {
  const lab = mirroringLab();
  const clock = new Clock(lab);
  const pri = envAt(lab, PRI, clock);
  await backup(pri, { database: 'Patriot', log: false, disk: '\\\\SQLMIR01\\Backup\\Patriot.dat' });
  setRecoveryModel(pri, 'Patriot', 'BULK_LOGGED');
  lab.instances[PRI]!.databases.Patriot!.log.endLsn += 300;
  setRecoveryModel(pri, 'Patriot', 'FULL');
  await restore(envAt(lab, MIR, clock), { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: false });
  setPartner(envAt(lab, MIR, clock), 'Patriot', address(PRI));
  assert.is((await failure(() => setPartner(pri, 'Patriot', address(MIR)))).number, 1475);
});

test.run();
