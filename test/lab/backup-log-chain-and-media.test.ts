import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backup } from '../../lab/storage/backup.js';
import { setRecoveryModel } from '../../lab/storage/databases.js';
import { readFile } from '../../lab/storage/files.js';
import { failure, testEnv, twoHostLab } from './storage-fixture.js';

test('BACKUP LOG before any full backup fails with 4214 then 3013', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  const f = await failure(() => backup(env, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log.dat' }));
  assert.is(f.number, 4214);
  assert.equal(f.followUps, [3013]);
});

test('BACKUP LOG under SIMPLE fails with 4208', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  setRecoveryModel(env, 'Patriot', 'SIMPLE');
  await backup(env, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat' });
  const f = await failure(() => backup(env, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log.dat' }));
  assert.is(f.number, 4208);
});

test('a full then a log backup report pages and chain their LSNs', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  await backup(env, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', init: true });
  assert.equal(
    env.messages.map((m) => m.number),
    [4035, 4035, 3014],
  );
  assert.match(env.messages[2]!.message, /^BACKUP DATABASE successfully processed \d+ pages in \d+\.\d{3} seconds/);
  lab.instances.SQLPRI01!.databases.Patriot!.log.endLsn += 500;
  await backup(env, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log.dat' });
  const full = readFile(lab, 'SQLPRI01', 'C:\\Backup\\Patriot.dat');
  const log = readFile(lab, 'SQLPRI01', 'C:\\Backup\\Patriot_log.dat');
  assert.ok(full.kind === 'backup' && log.kind === 'backup');
  if (full.kind !== 'backup' || log.kind !== 'backup') return;
  assert.is(log.media[0]!.type, 'LOG');
  assert.ok(log.media[0]!.firstLsn <= full.media[0]!.lastLsn, 'the first log backup covers the full backup');
  assert.is(log.media[0]!.databaseBackupLsn, full.media[0]!.firstLsn);
});

test('NOINIT appends a set, INIT overwrites the media', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  const disk = 'C:\\Backup\\Patriot.dat';
  await backup(env, { database: 'Patriot', log: false, disk });
  await backup(env, { database: 'Patriot', log: false, disk });
  const positions = () => {
    const media = readFile(lab, 'SQLPRI01', disk);
    return media.kind === 'backup' ? media.media.map((s) => s.position) : [];
  };
  assert.equal(positions(), [1, 2]);
  await backup(env, { database: 'Patriot', log: false, disk, init: true });
  assert.equal(positions(), [1]);
});

test('a missing directory or an unreachable share fails with 3201 and the OS error', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  const f = await failure(() => backup(env, { database: 'Patriot', log: false, disk: 'E:\\Nowhere\\Patriot.dat' }));
  assert.is(f.number, 3201);
  assert.match(f.message, "Cannot open backup device 'E:\\Nowhere\\Patriot.dat'. Operating system error 3(The system cannot find the path specified.).");
  assert.equal(f.followUps, [3013]);
  lab.faults.SQLMIR01!.down = true;
  const g = await failure(() => backup(env, { database: 'Patriot', log: false, disk: '\\\\SQLMIR01\\Backup\\Patriot.dat' }));
  assert.is(g.number, 3201);
  assert.match(g.message, 'Operating system error 53');
});

test('STATS reports every n percent and the database must exist', async () => {
  const lab = twoHostLab();
  const env = testEnv(lab, 'SQLPRI01');
  await backup(env, { database: 'Patriot', log: false, disk: 'C:\\Backup\\P.dat', stats: 25 });
  assert.equal(
    env.messages.filter((m) => m.number === 3211).map((m) => m.message),
    ['25 percent processed.', '50 percent processed.', '75 percent processed.', '100 percent processed.'],
  );
  const f = await failure(() => backup(env, { database: 'Nope', log: false, disk: 'C:\\Backup\\N.dat' }));
  assert.is(f.number, 911);
  assert.equal(f.followUps, [3013]);
});

test.run();
