// The failure paths of the issue, each against the lab: a clear error with its hint, then a
// successful resume once the cause is fixed — a Patriot service on the mirror, a wrong endpoint
// port, an expired certificate, a missing CONNECT grant, a log backup taken mid-setup, the mirror
// down during the restore.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

test('a wrong endpoint port stops certificate-setup; fixing the endpoint and resuming completes it', async () => {
  await pair.sql('SQLMIR01', "USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Sabotage-Key#2026'; CREATE CERTIFICATE MIRROR_cert WITH SUBJECT = 'MIRROR', EXPIRY_DATE = '20400101'");
  await pair.sql('SQLMIR01', 'CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1431) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE MIRROR_cert, ROLE = ALL)');
  const failed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /listens on port 1431, the config says 1430/);
  assert.match(failed.stdout + failed.stderr, /LISTENER_PORT = 1430/);
  await pair.sql('SQLMIR01', 'ALTER ENDPOINT Endpoint_Mirroring AS TCP (LISTENER_PORT = 1430)');
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
});

test('an expired peer certificate is refused with a hint; dropping it and resuming imports the current one', async () => {
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE MIRROR_cert');
  // SQL Server warns (15214, severity 16) but creates the certificate.
  await pair.sql('SQLPRI01', "USE master; CREATE CERTIFICATE MIRROR_cert AUTHORIZATION MIRROR_user WITH SUBJECT = 'old', START_DATE = '20000101', EXPIRY_DATE = '20010101'").catch((e: { number?: number }) => {
    if (e.number !== 15214) throw e;
  });
  const failed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /MIRROR_cert/);
  assert.match(failed.stdout + failed.stderr, /DROP CERTIFICATE \[MIRROR_cert\]/);
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE MIRROR_cert');
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
});

test('a Patriot service connected to the mirror stops the restore until it is stopped', async () => {
  assert.is((await pair.lab.cli('sessions', 'SQLMIR01', 'start', 'Patriot Data Service')).code, 0);
  const failed = await pair.mb('run', 'restore', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /Patriot Data Service/);
  assert.match(failed.stdout + failed.stderr, /stop the Patriot services/);
  assert.is((await pair.lab.cli('sessions', 'SQLMIR01', 'stop', 'Patriot Data Service')).code, 0);
});

test('the mirror going down during the restore fails the step; the restore resumes once it is back', async () => {
  // Slow restores, so the fault lands while RESTORE DATABASE runs.
  await pair.lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '20000' });
  const run = pair.mbUntil(/RESTORE DATABASE Patriot\b/, 'resume', '--yes');
  await run.reached;
  await pair.lab.cli('fault', 'SQLMIR01', 'down');
  const failed = await run.done;
  await pair.lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '50' });
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /SQLMIR01/);
  await pair.lab.cli('fault', 'SQLMIR01', 'up');
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
});

test('a log backup taken mid-setup makes enable fail with 1478/1412 and its hint; restore picks it up and enable completes', async () => {
  const dir = (await pair.sql('SQLPRI01', "SELECT TOP 1 f.physical_device_name AS p FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = 'Patriot' AND b.type = 'D' ORDER BY b.backup_finish_date DESC"))[0]!.p as string;
  const jobFile = dir.replace(/Patriot\.dat$/i, 'Patriot_job_2005.trn');
  await pair.sql('SQLPRI01', `BACKUP LOG Patriot TO DISK = '${jobFile}' WITH INIT`);
  const failed = await pair.mb('run', 'enable', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /14(78|12)/);
  assert.match(failed.stdout + failed.stderr, /log backup/);
  const restore = await pair.mb('run', 'restore', '--yes');
  assert.is(restore.code, 0, restore.stdout.slice(-2000) + restore.stderr);
  assert.match(restore.stdout, /taken by someone else: .*Patriot_job_2005\.trn/);
  const enabled = await pair.mb('run', 'enable', '--yes');
  assert.is(enabled.code, 0, enabled.stdout.slice(-2000) + enabled.stderr);
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
