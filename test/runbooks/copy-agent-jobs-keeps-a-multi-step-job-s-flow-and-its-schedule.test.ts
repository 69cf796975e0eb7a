// A two-step job (step 1 goes on to step 2 on success, retries on failure) on a weekly schedule is
// copied with every documented step and schedule field: without @on_success_action the copy would
// take sp_add_jobstep's default 1 (quit with success) and stop after step 1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { outcomes, startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

const JOB = "N'Patriot - weekly maintenance'";
const steps = (instance: string) =>
  pair.sql(
    instance,
    `SELECT s.step_id, s.step_name, s.subsystem, s.database_name, s.on_success_action, s.on_success_step_id, s.on_fail_action, s.on_fail_step_id, s.retry_attempts, s.retry_interval FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id WHERE j.name = ${JOB} ORDER BY s.step_id`,
  );
const schedules = (instance: string) =>
  pair.sql(
    instance,
    `SELECT sc.name, sc.enabled, sc.freq_type, sc.freq_interval, sc.freq_subday_type, sc.freq_subday_interval, sc.freq_relative_interval, sc.freq_recurrence_factor, sc.active_start_date, sc.active_end_date, sc.active_start_time, sc.active_end_time FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobschedules js ON js.job_id = j.job_id JOIN msdb.dbo.sysschedules sc ON sc.schedule_id = js.schedule_id WHERE j.name = ${JOB}`,
  );

test('the lab stores sp_add_jobstep defaults as msdb documents them: a step left alone quits with success', async () => {
  await pair.sql(
    'SQLPRI01',
    "EXEC msdb.dbo.sp_add_job @job_name = N'Defaults'; EXEC msdb.dbo.sp_add_jobstep @job_name = N'Defaults', @step_name = N'one', @command = N'SELECT 1'",
  );
  const [step] = await pair.sql(
    'SQLPRI01',
    "SELECT s.on_success_action, s.on_fail_action, s.retry_attempts FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id WHERE j.name = N'Defaults'",
  );
  assert.equal(step, { on_success_action: 1, on_fail_action: 2, retry_attempts: 0 });
});

test('copy-agent-jobs copies both steps with their flow, and the weekly schedule, intact', async () => {
  await pair.sql(
    'SQLPRI01',
    `EXEC msdb.dbo.sp_add_job @job_name = ${JOB};
EXEC msdb.dbo.sp_add_jobstep @job_name = ${JOB}, @step_id = 1, @step_name = N'check', @subsystem = N'TSQL', @command = N'DBCC CHECKDB (Patriot)', @database_name = N'Patriot', @on_success_action = 3, @on_fail_action = 2, @retry_attempts = 3, @retry_interval = 5;
EXEC msdb.dbo.sp_add_jobstep @job_name = ${JOB}, @step_id = 2, @step_name = N'reindex', @subsystem = N'TSQL', @command = N'EXEC dbo.Reindex', @database_name = N'Patriot', @on_success_action = 1, @on_fail_action = 4, @on_fail_step_id = 1;
EXEC msdb.dbo.sp_add_jobschedule @job_name = ${JOB}, @name = N'Sundays 02:30', @freq_type = 8, @freq_interval = 1, @freq_subday_type = 1, @freq_recurrence_factor = 1, @active_start_date = 20260105, @active_end_date = 20271231, @active_start_time = 23000, @active_end_time = 235959;
EXEC msdb.dbo.sp_add_jobserver @job_name = ${JOB}`,
  );
  const setup = await pair.mb('run', 'setup', '--yes');
  assert.is(setup.code, 0, setup.stdout.slice(-2000) + setup.stderr);
  const copy = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(copy.code, 0, copy.stdout.slice(-2000) + copy.stderr);
  assert.is(outcomes(copy.stdout).get('agent-jobs.mirror'), 'done');
  const copied = await steps('SQLMIR01');
  assert.equal(
    copied.map((s) => [s.step_id, s.on_success_action, s.on_fail_action, s.on_fail_step_id, s.retry_attempts, s.retry_interval]),
    [
      [1, 3, 2, 0, 3, 5],
      [2, 1, 4, 1, 0, 0],
    ],
  );
  assert.equal(copied, await steps('SQLPRI01'));
  const [schedule] = await schedules('SQLMIR01');
  assert.equal(schedule, {
    name: 'Sundays 02:30',
    enabled: 1,
    freq_type: 8,
    freq_interval: 1,
    freq_subday_type: 1,
    freq_subday_interval: 0,
    freq_relative_interval: 0,
    freq_recurrence_factor: 1,
    active_start_date: 20260105,
    active_end_date: 20271231,
    active_start_time: 23000,
    active_end_time: 235959,
  });
  assert.equal(await schedules('SQLMIR01'), await schedules('SQLPRI01'));
  const again = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(outcomes(again.stdout).get('agent-jobs.mirror'), 'already done', again.stdout.slice(-2000));
});

test('a copy whose step flow differs is another job: the difference names the flow', async () => {
  await pair.sql(
    'SQLMIR01',
    `EXEC msdb.dbo.sp_add_job @job_name = N'Patriot - flow', @enabled = 0; EXEC msdb.dbo.sp_add_jobstep @job_name = N'Patriot - flow', @step_name = N'a', @command = N'SELECT 1', @database_name = N'Patriot'`,
  );
  await pair.sql(
    'SQLPRI01',
    `EXEC msdb.dbo.sp_add_job @job_name = N'Patriot - flow'; EXEC msdb.dbo.sp_add_jobstep @job_name = N'Patriot - flow', @step_name = N'a', @command = N'SELECT 1', @database_name = N'Patriot', @on_success_action = 3`,
  );
  const refused = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(refused.code, 1, refused.stdout.slice(-2000));
  assert.match(
    refused.stdout + refused.stderr,
    /job 'Patriot - flow' on the mirror is not the one on the principal: its steps differ \(1 here, 1 there; step 1: '1 a TSQL in patriot: command \*\*\*\*sha256:[0-9a-f]{12}\/8 chars; on success 3\/0[^']*' against '[^']*on success 1\/0/,
  );
});

test.run();
