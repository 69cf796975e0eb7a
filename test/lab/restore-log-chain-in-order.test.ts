import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabState } from '../../lab/model.js';
import { backup } from '../../lab/storage/backup.js';
import { restore } from '../../lab/storage/restore.js';
import { setRecoveryModel } from '../../lab/storage/databases.js';
import { failure, testEnv, twoHostLab } from './storage-fixture.js';

/** Full + two log backups of Patriot on the principal, written to the mirror's share. */
async function seeded(): Promise<LabState> {
  const lab = twoHostLab();
  const pri = testEnv(lab, 'SQLPRI01');
  const db = lab.instances.SQLPRI01!.databases.Patriot!;
  await backup(pri, { database: 'Patriot', log: false, disk: '\\\\SQLMIR01\\Backup\\Patriot.dat', init: true });
  db.log.endLsn += 300;
  db.committedTransactions += 3;
  await backup(pri, { database: 'Patriot', log: true, disk: '\\\\SQLMIR01\\Backup\\Patriot_log1.dat', init: true });
  db.log.endLsn += 300;
  db.committedTransactions += 3;
  await backup(pri, { database: 'Patriot', log: true, disk: '\\\\SQLMIR01\\Backup\\Patriot_log2.dat', init: true });
  return lab;
}

test('full then logs in order WITH NORECOVERY leaves RESTORING; WITH RECOVERY alone brings it online', async () => {
  const lab = await seeded();
  const mir = testEnv(lab, 'SQLMIR01');
  await restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: false });
  assert.is(lab.instances.SQLMIR01!.databases.Patriot!.state, 'RESTORING');
  assert.ok(mir.messages.some((m) => m.number === 3014 && m.message.startsWith('RESTORE DATABASE successfully processed')));
  await restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log1.dat', recovery: false });
  await restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log2.dat', recovery: false });
  const copy = lab.instances.SQLMIR01!.databases.Patriot!;
  assert.is(copy.state, 'RESTORING');
  assert.is(copy.committedTransactions, lab.instances.SQLPRI01!.databases.Patriot!.committedTransactions);
  await restore(mir, { database: 'Patriot', log: false, recovery: true });
  assert.is(copy.state, 'ONLINE');
  const again = await failure(() => restore(mir, { database: 'Patriot', log: false, recovery: true }));
  assert.is(again.number, 3153);
});

test('a skipped log backup is too recent (4305), a repeated one too early (4326)', async () => {
  const lab = await seeded();
  const mir = testEnv(lab, 'SQLMIR01');
  await restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: false });
  const skipped = await failure(() => restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log2.dat', recovery: false }));
  assert.is(skipped.number, 4305);
  assert.match(skipped.message, 'which is too recent to apply to the database');
  assert.equal(skipped.followUps, [3013]);
  await restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log1.dat', recovery: false });
  const repeated = await failure(() => restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log1.dat', recovery: false }));
  assert.is(repeated.number, 4326);
  assert.equal(repeated.followUps, [3013]);
});

test('missing file 3201; log without a restoring database 3118 / 3117', async () => {
  const lab = await seeded();
  const mir = testEnv(lab, 'SQLMIR01');
  const missing = await failure(() => restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Nope.dat', recovery: false }));
  assert.is(missing.number, 3201);
  assert.match(missing.message, 'Operating system error 2(The system cannot find the file specified.)');
  assert.equal(missing.followUps, [3013]);
  const noDb = await failure(() => restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log1.dat', recovery: false }));
  assert.is(noDb.number, 3118);
  await restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: true });
  const recovered = await failure(() => restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log1.dat', recovery: false }));
  assert.is(recovered.number, 3117);
});

test('restoring over another or a live database needs REPLACE (3154, 3159); sessions block it (3101)', async () => {
  const lab = await seeded();
  const pri = testEnv(lab, 'SQLPRI01');
  await backup(pri, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', init: true });
  const other = await failure(() => restore(pri, { database: 'Other', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: true, move: [] }));
  assert.is(other.number, 3142, 'the original files belong to Patriot');
  lab.instances.SQLPRI01!.databases.Patriot!.log.endLsn += 100;
  const tail = await failure(() => restore(pri, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: true }));
  assert.is(tail.number, 3159);
  lab.instances.SQLPRI01!.programs.push({
    spid: 70,
    programName: 'Patriot',
    hostName: 'APP01',
    loginName: 'patriot',
    database: 'Patriot',
    loginTime: '2026-03-01T09:00:00Z',
  });
  const busy = await failure(() => restore(pri, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: true, replace: true }));
  assert.is(busy.number, 3101);
  lab.instances.SQLPRI01!.programs = [];
  await restore(pri, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: true, replace: true });
  assert.is(lab.instances.SQLPRI01!.databases.Patriot!.state, 'ONLINE');
});

test('MOVE: unknown logical name 3234, missing directory 5133 + 3156, valid MOVE lands the files', async () => {
  const lab = await seeded();
  const pri = testEnv(lab, 'SQLPRI01');
  const unknown = await failure(() =>
    restore(pri, {
      database: 'Copy',
      log: false,
      disk: '\\\\SQLMIR01\\Backup\\Patriot.dat',
      recovery: true,
      move: [{ logicalName: 'Nope', physicalName: 'C:\\Data\\x.mdf' }],
    }),
  );
  assert.is(unknown.number, 3234);
  const badDir = await failure(() =>
    restore(pri, {
      database: 'Copy',
      log: false,
      disk: '\\\\SQLMIR01\\Backup\\Patriot.dat',
      recovery: true,
      move: [
        { logicalName: 'Patriot', physicalName: 'F:\\Data\\Copy.mdf' },
        { logicalName: 'Patriot_log', physicalName: 'C:\\Data\\Copy_log.ldf' },
      ],
    }),
  );
  assert.is(badDir.number, 5133);
  assert.equal(badDir.followUps, [3156, 3119, 3013]);
  await restore(pri, {
    database: 'Copy',
    log: false,
    disk: '\\\\SQLMIR01\\Backup\\Patriot.dat',
    recovery: true,
    move: [
      { logicalName: 'patriot', physicalName: 'C:\\Data\\Copy.mdf' },
      { logicalName: 'Patriot_log', physicalName: 'C:\\Data\\Copy_log.ldf' },
    ],
  });
  const copy = lab.instances.SQLPRI01!.databases.Copy!;
  assert.equal(
    copy.files.map((f) => f.physicalName),
    ['C:\\Data\\Copy.mdf', 'C:\\Data\\Copy_log.ldf'],
  );
  assert.ok(lab.hosts.SQLPRI01!.files['C:\\DATA\\COPY.MDF']);
});

test('a log backup from after a broken chain (SIMPLE and back) cannot follow the older full: 4312', async () => {
  const lab = twoHostLab();
  const pri = testEnv(lab, 'SQLPRI01');
  const db = lab.instances.SQLPRI01!.databases.Patriot!;
  await backup(pri, { database: 'Patriot', log: false, disk: '\\\\SQLMIR01\\Backup\\F1.bak' });
  db.log.endLsn += 300;
  setRecoveryModel(pri, 'Patriot', 'SIMPLE');
  setRecoveryModel(pri, 'Patriot', 'FULL');
  await backup(pri, { database: 'Patriot', log: false, disk: 'C:\\Backup\\F2.bak' });
  db.log.endLsn += 300;
  await backup(pri, { database: 'Patriot', log: true, disk: '\\\\SQLMIR01\\Backup\\L2.trn' });
  const mir = testEnv(lab, 'SQLMIR01');
  await restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\F1.bak', recovery: false });
  const gap = await failure(() => restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\L2.trn', recovery: false }));
  assert.is(gap.number, 4312);
  assert.equal(gap.followUps, [3013]);
});

test('FILE = n picks a set from media that holds a full and a log backup', async () => {
  const lab = twoHostLab();
  const pri = testEnv(lab, 'SQLPRI01');
  await backup(pri, { database: 'Patriot', log: false, disk: '\\\\SQLMIR01\\Backup\\Patriot.bak', init: true });
  lab.instances.SQLPRI01!.databases.Patriot!.log.endLsn += 300;
  await backup(pri, { database: 'Patriot', log: true, disk: '\\\\SQLMIR01\\Backup\\Patriot.bak' });
  const mir = testEnv(lab, 'SQLMIR01');
  const wrongType = await failure(() => restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.bak', file: 2, recovery: false }));
  assert.is(wrongType.number, 3135);
  await restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.bak', file: 1, recovery: false });
  await restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot.bak', file: 2, recovery: true });
  assert.is(lab.instances.SQLMIR01!.databases.Patriot!.state, 'ONLINE');
  assert.is(lab.instances.SQLMIR01!.databases.Patriot!.log.endLsn, lab.instances.SQLPRI01!.databases.Patriot!.log.endLsn);
});

test.run();
