// SQL Agent jobs touching the mirrored databases are copied only when asked (`run copy-agent-jobs`,
// as dbatools' Copy-DbaAgentJob): scripted from msdb on the serving partner (sysjobs, sysjobsteps,
// sysschedules), created with sp_add_job … on the mirror, disabled there (its databases are
// RESTORING). Run again: the same job is done. A different job under that name is refused with
// what differs, and nothing is overwritten. setup copies nothing (off by default).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { textDigest } from '../../steps/tsql.js';
import { outcomes, startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

const BACKUP_JOB = `EXEC msdb.dbo.sp_add_job @job_name = N'Patriot - log backup', @description = N'Log backups every 15 minutes';
EXEC msdb.dbo.sp_add_jobstep @job_name = N'Patriot - log backup', @step_name = N'Back up the log', @subsystem = N'TSQL', @command = N'BACKUP LOG Patriot TO DISK = N''E:\\Backup\\Patriot_log.trn''', @database_name = N'master';
EXEC msdb.dbo.sp_add_jobschedule @job_name = N'Patriot - log backup', @name = N'Every 15 minutes', @freq_type = 4, @freq_interval = 1, @freq_subday_type = 4, @freq_subday_interval = 15, @active_start_time = 0;
EXEC msdb.dbo.sp_add_jobserver @job_name = N'Patriot - log backup'`;

const jobs = async (instance: string) =>
  pair.sql(
    instance,
    "SELECT j.name, j.enabled, s.step_name, s.command, s.database_name FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id WHERE j.name LIKE N'Patriot%' ORDER BY j.name",
  );
const schedules = async (instance: string) =>
  pair.sql(
    instance,
    "SELECT sc.name, sc.freq_type, sc.freq_subday_interval FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobschedules js ON js.job_id = j.job_id JOIN msdb.dbo.sysschedules sc ON sc.schedule_id = js.schedule_id WHERE j.name = N'Patriot - log backup'",
  );

test('a log-backup job on the principal; setup leaves msdb on the mirror alone (copying is opt-in)', async () => {
  await pair.sql('SQLPRI01', BACKUP_JOB);
  await pair.sql(
    'SQLPRI01',
    "EXEC msdb.dbo.sp_add_job @job_name = N'Housekeeping'; EXEC msdb.dbo.sp_add_jobstep @job_name = N'Housekeeping', @step_name = N'purge', @command = N'EXEC sp_delete_backuphistory @oldest_date = ''20260101''', @database_name = N'msdb'",
  );
  const setup = await pair.mb('run', 'setup', '--yes');
  assert.is(setup.code, 0, setup.stdout.slice(-2000) + setup.stderr);
  assert.match(
    setup.stdout,
    /agent-jobs\s+SQLPRI01\s+⚠\s+jobs touching the databases: 'Patriot - log backup' \(enabled; Patriot\)[^\n]*— [^\n]*run copy-agent-jobs' copies them there, disabled/,
  );
  assert.equal(await jobs('SQLMIR01'), []);
});

test('copy-agent-jobs creates it on the mirror, disabled, with its steps and schedule; the unrelated job stays behind', async () => {
  const copy = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(copy.code, 0, copy.stdout.slice(-2000) + copy.stderr);
  assert.is(outcomes(copy.stdout).get('agent-jobs.mirror'), 'done');
  assert.is(outcomes(copy.stdout).get('agent-jobs.principal'), 'already done');
  assert.match(copy.stdout, /job 'Patriot - log backup' \(1 step\(s\), 1 schedule\(s\)\) copied from the principal, disabled on the mirror/);
  const [principalJob] = await jobs('SQLPRI01');
  assert.equal(await jobs('SQLMIR01'), [{ ...principalJob, enabled: 0 }]);
  assert.equal(await schedules('SQLMIR01'), await schedules('SQLPRI01'));
  assert.equal((await pair.sql('SQLMIR01', "SELECT name FROM msdb.dbo.sysjobs WHERE name = N'Housekeeping'")).length, 0);
});

test('run again: the same job is there, nothing is sent', async () => {
  const again = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(again.code, 0, again.stdout.slice(-2000));
  assert.is(outcomes(again.stdout).get('agent-jobs.mirror'), 'already done');
  assert.match(again.stdout, /the mirror has the same 1 job\(s\) touching Patriot, PatriotArchive: 'Patriot - log backup'/);
});

test('a different job of the same name on the mirror is refused with the difference; nothing is copied or overwritten', async () => {
  const nightly = "N'Patriot - nightly check'";
  await pair.sql(
    'SQLPRI01',
    `EXEC msdb.dbo.sp_add_job @job_name = ${nightly}; EXEC msdb.dbo.sp_add_jobstep @job_name = ${nightly}, @step_name = N'check', @command = N'DBCC CHECKDB (PatriotArchive)', @database_name = N'master'`,
  );
  await pair.sql(
    'SQLMIR01',
    `EXEC msdb.dbo.sp_add_job @job_name = ${nightly}, @enabled = 0; EXEC msdb.dbo.sp_add_jobstep @job_name = ${nightly}, @step_name = N'check', @command = N'DBCC CHECKDB (master)', @database_name = N'master'`,
  );
  const refused = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(refused.code, 1, refused.stdout.slice(-2000));
  const said = refused.stdout + refused.stderr;
  // A command may carry a password: the difference names it by digest (steps/tsql.ts textDigest).
  assert.ok(
    said.includes(
      `job 'Patriot - nightly check' on the mirror is not the one on the principal: its steps differ (1 here, 1 there; step 1: '1 check TSQL in master: command ${textDigest('DBCC CHECKDB (PatriotArchive)')}; on success 1/0, on failure 2/0, retry 0x0 min' against '1 check TSQL in master: command ${textDigest('DBCC CHECKDB (master)')}; on success 1/0, on failure 2/0, retry 0x0 min')`,
    ),
    said.slice(-2000),
  );
  assert.match(said, /mirrorbook never overwrites a job[^\n]*sp_delete_job/);
  const mirrorJob = await pair.sql(
    'SQLMIR01',
    "SELECT s.command FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id WHERE j.name = N'Patriot - nightly check'",
  );
  assert.equal(mirrorJob, [{ command: 'DBCC CHECKDB (master)' }]);
});

test('the lab answers the Agent procedures as msdb does: a duplicate name is 14261, an unknown job 14262', async () => {
  const duplicate = await pair.sql('SQLPRI01', "EXEC msdb.dbo.sp_add_job @job_name = N'Housekeeping'").then(
    () => 0,
    (e: { number?: number; message?: string }) => `${e.number} ${e.message}`,
  );
  assert.is(duplicate, "14261 The specified @name ('Housekeeping') already exists.");
  const unknown = await pair.sql('SQLPRI01', "EXEC msdb.dbo.sp_update_job @job_name = N'Nope', @enabled = 0").then(
    () => 0,
    (e: { number?: number; message?: string }) => `${e.number} ${e.message}`,
  );
  assert.is(unknown, "14262 The specified @job_name ('Nope') does not exist.");
});

test.run();
