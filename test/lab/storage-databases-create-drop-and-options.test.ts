import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDatabase, dropDatabase, setOnline, setRecoveryModel } from '../../lab/storage/databases.js';
import { backup } from '../../lab/storage/backup.js';
import { restoreHeaderOnly, restoreVerifyOnly } from '../../lab/storage/restore-info.js';
import { failure, testEnv, twoHostLab } from './storage-fixture.js';
import { MIR, PRI, envAt, mirroredLab } from './mirroring-fixture.js';

test('CREATE DATABASE puts its files on the host; a second one is 1801; DROP removes the files', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  const db = createDatabase(env, 'Sales');
  assert.is(db.state, 'ONLINE');
  const mdf = db.files[0]!.physicalName.toUpperCase();
  assert.ok(lab.hosts.SQLPRI01!.files[mdf]);
  assert.is((await failure(() => createDatabase(env, 'sales'))).number, 1801);
  dropDatabase(env, 'SALES');
  assert.is(lab.instances.SQLPRI01!.databases.Sales, undefined);
  assert.is(lab.hosts.SQLPRI01!.files[mdf], undefined);
  assert.is((await failure(() => dropDatabase(env, 'Sales'))).number, 3701);
  dropDatabase(env, 'Sales', true);
});

test('DROP refuses a database in use (3702); OFFLINE/ONLINE; SIMPLE breaks the log chain', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  lab.instances.SQLPRI01!.programs.push({
    spid: 70,
    programName: 'Patriot',
    hostName: 'APP01',
    loginName: 'patriot',
    database: 'Patriot',
    loginTime: '2026-03-01T09:00:00Z',
  });
  assert.is((await failure(() => dropDatabase(env, 'Patriot'))).number, 3702);
  lab.instances.SQLPRI01!.programs = [];
  setOnline(env, 'Patriot', false);
  assert.is(lab.instances.SQLPRI01!.databases.Patriot!.state, 'OFFLINE');
  assert.is((await failure(() => backup(env, { database: 'Patriot', log: false, disk: 'C:\\Backup\\p.bak' }))).number, 942);
  setOnline(env, 'Patriot', true);
  await backup(env, { database: 'Patriot', log: false, disk: 'C:\\Backup\\p.bak' });
  setRecoveryModel(env, 'Patriot', 'SIMPLE');
  setRecoveryModel(env, 'Patriot', 'FULL');
  assert.is((await failure(() => backup(env, { database: 'Patriot', log: true, disk: 'C:\\Backup\\l.bak' }))).number, 4214);
});

test('a mirrored database: recovery model 1468, drop 3743, backup of the mirror copy 954', async () => {
  const { lab, clock } = await mirroredLab();
  const pri = envAt(lab, PRI, clock);
  const f = await failure(() => setRecoveryModel(pri, 'Patriot', 'SIMPLE'));
  assert.is(f.number, 1468);
  assert.equal(f.followUps, [5069]);
  assert.is((await failure(() => dropDatabase(envAt(lab, MIR, clock), 'Patriot'))).number, 3743);
  assert.is((await failure(() => backup(envAt(lab, MIR, clock), { database: 'Patriot', log: false, disk: 'C:\\Backup\\m.bak' }))).number, 954);
});

test('HEADERONLY lists every set of the media; VERIFYONLY checks a position', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  await backup(env, { database: 'Patriot', log: false, disk: 'C:\\Backup\\p.bak' });
  await backup(env, { database: 'Patriot', log: true, disk: 'C:\\Backup\\p.bak' });
  restoreHeaderOnly(env, 'C:\\Backup\\p.bak');
  const rows = env.items.find((i) => i.kind === 'rows');
  assert.ok(rows && rows.kind === 'rows');
  if (rows?.kind !== 'rows') return;
  const col = (name: string) => rows.columns.findIndex((c) => c.name === name);
  assert.equal(
    rows.rows.map((r) => [r[col('Position')], r[col('BackupTypeDescription')]]),
    [
      [1, 'Database'],
      [2, 'Transaction Log'],
    ],
  );
  restoreVerifyOnly(env, 'C:\\Backup\\p.bak', 2);
  assert.ok(env.messages.some((m) => m.number === 3262 && m.message === 'The backup set on file 2 is valid.'));
  const missing = await failure(() => restoreVerifyOnly(env, 'C:\\Backup\\p.bak', 3));
  assert.is(missing.number, 4038);
  assert.equal(missing.followUps, [3013]);
});

test.run();
