// Failure paths of seeding and enabling against the lab: a clear error with its hint, then a
// successful resume once the cause is fixed — a Patriot service on the mirror, the mirror down
// during the restore, a log backup taken mid-setup (caught up by enable; stopped with the file to
// copy when the mirror cannot read it), a missing CONNECT grant.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FAST_BACKUP_MS_PER_GB, startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
  const auth = await pair.mb('run', 'certificate-setup', '--yes');
  if (auth.code !== 0) throw new Error(auth.stdout.slice(-2000) + auth.stderr);
});
test.after(async () => {
  await pair?.stop();
});

test('a Patriot service connected to the mirror stops the restore until it is stopped', async () => {
  await pair.lab.control({ op: 'sessions', instance: 'SQLMIR01', action: 'start', program: 'Patriot Data Service' });
  const failed = await pair.mb('run', 'restore', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /Patriot Data Service/);
  assert.match(failed.stdout + failed.stderr, /stop the Patriot services/);
  await pair.lab.control({ op: 'sessions', instance: 'SQLMIR01', action: 'stop', program: 'Patriot Data Service' });
});

test('the mirror going down during the restore fails the step; the restore resumes once it is back', async () => {
  // Slow restores on the mirror (only), so the fault lands while RESTORE DATABASE runs.
  await pair.lab.control({ op: 'behaviour', instance: 'SQLMIR01', name: 'backupMsPerGB', value: '20000' });
  const run = pair.mbUntil(/RESTORE DATABASE Patriot\b/, 'resume', '--yes');
  await run.reached;
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'down' });
  const failed = await run.done;
  await pair.lab.control({ op: 'behaviour', instance: 'SQLMIR01', name: 'backupMsPerGB', value: FAST_BACKUP_MS_PER_GB });
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /SQLMIR01/);
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'up' });
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
});

const fullBackupOf = async (database: string): Promise<string> =>
  (
    await pair.sql(
      'SQLPRI01',
      `SELECT TOP 1 f.physical_device_name AS p FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = '${database}' AND b.type = 'D' ORDER BY b.backup_finish_date DESC`,
    )
  )[0]!.p as string;

test('a log backup a job takes mid-setup: the principal answers 1478/1412, enable restores it on the mirror and starts the session', async () => {
  const jobFile = (await fullBackupOf('Patriot')).replace(/[^\\]+$/, 'Patriot_job_2005.trn');
  await pair.sql('SQLPRI01', `BACKUP LOG Patriot TO DISK = '${jobFile}' WITH INIT`);
  const enabled = await pair.mb('run', 'enable', '--yes');
  assert.is(enabled.code, 0, enabled.stdout.slice(-3000) + enabled.stderr);
  assert.match(enabled.stdout, /the principal answered 14(78|12)/);
  assert.match(enabled.stdout, /taken by someone else: .*Patriot_job_2005\.trn/);
  await pair.waitFor('SQLMIR01', 'Patriot', 'SYNCHRONIZED', 'MIRROR');
});

test('a job log backup the mirror cannot read stops enable naming the file to copy; resume completes after the copy', async () => {
  for (const database of ['Patriot', 'PatriotArchive']) await pair.sql('SQLPRI01', `ALTER DATABASE ${database} SET PARTNER OFF`);
  const restore = await pair.mb('run', 'restore', '--yes', '--confirm', 'SQLMIR01');
  assert.is(restore.code, 0, restore.stdout.slice(-2000) + restore.stderr);
  await pair.sql('SQLPRI01', "EXEC master.dbo.xp_create_subdir N'C:\\Jobs'");
  await pair.sql('SQLPRI01', "BACKUP LOG Patriot TO DISK = 'C:\\Jobs\\Patriot_job_2310.trn' WITH INIT");
  const failed = await pair.mb('run', 'enable', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /cannot read the log backup C:\\Jobs\\Patriot_job_2310\.trn/);
  assert.match(failed.stdout + failed.stderr, /copy C:\\Jobs\\Patriot_job_2310\.trn from the principal to \\\\\S+Patriot_job_2310\.trn/);
  assert.match(failed.stdout + failed.stderr, /to continue: .* resume /);
  const shareCopy = (await fullBackupOf('Patriot')).replace(/[^\\]+$/, 'Patriot_job_2310.trn');
  await pair.lab.control({ op: 'copy', instance: 'SQLPRI01', from: 'C:\\Jobs\\Patriot_job_2310.trn', to: shareCopy });
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-3000) + resumed.stderr);
  // msdb lists the job's backup once, where it was written: the copy is only a file.
  assert.match(resumed.stdout, /restoring 1 log backup\(s\) of Patriot taken by someone else: C:\\Jobs\\Patriot_job_2310\.trn/);
  await pair.waitFor('SQLMIR01', 'Patriot', 'SYNCHRONIZED', 'MIRROR');
});

test('a missing CONNECT grant makes failover impossible to start again: 1418 with its hint, grant and resume', async () => {
  await pair.sql('SQLMIR01', 'ALTER DATABASE Patriot SET PARTNER OFF');
  await pair.sql('SQLMIR01', 'ALTER DATABASE PatriotArchive SET PARTNER OFF');
  await pair.sql('SQLPRI01', 'USE master; REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring TO MIRROR_login');
  const restore = await pair.mb('run', 'restore', '--yes', '--confirm', 'SQLMIR01');
  assert.is(restore.code, 0, restore.stdout.slice(-2000) + restore.stderr);
  const failed = await pair.mb('run', 'enable', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /1418/);
  assert.match(failed.stdout + failed.stderr, /CONNECT/);
  await pair.sql('SQLPRI01', 'USE master; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO MIRROR_login');
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
});

test.run();
