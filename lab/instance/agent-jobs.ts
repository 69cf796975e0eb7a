// The SQL Server Agent procedures in msdb that create and change jobs, as a DBA (or a script such
// as SSMS "Script Job as → CREATE" or dbatools Copy-DbaAgentJob) sends them:
//   sp_add_job @job_name [, @enabled = 1] [, @description]          — 14261 when the name exists
//   sp_add_jobstep @job_name, @step_name [, @step_id] [, @subsystem = 'TSQL'] [, @command] [, @database_name]
//     [, @on_success_action = 1 (quit with success)] [, @on_success_step_id = 0]
//     [, @on_fail_action = 2 (quit with failure)] [, @on_fail_step_id = 0] [, @retry_attempts = 0] [, @retry_interval = 0]
//   sp_add_jobschedule @job_name, @name [, @enabled = 1] [, @freq_type = 0] [, @freq_interval = 0]
//     [, @freq_subday_type = 0] [, @freq_subday_interval = 0] [, @freq_relative_interval = 0]
//     [, @freq_recurrence_factor = 0] [, @active_start_date = NULL: today] [, @active_end_date = 99991231]
//     [, @active_start_time = 000000] [, @active_end_time = 235959]
//   sp_add_jobserver @job_name [, @server_name = '(local)']
//   sp_update_job @job_name [, @enabled] [, @description]
// A job named that does not exist is 14262. Jobs are rows only (msdb.dbo.sysjobs, sysjobsteps,
// sysschedules, sysjobschedules): nothing runs them. learn.microsoft.com: sp_add_job, sp_add_jobstep,
// sp_add_jobschedule, sp_add_jobserver, sp_update_job; dbo.sysjobs, dbo.sysjobsteps, dbo.sysschedules.
//
// Who may (each page's Permissions section and "SQL Server Agent Fixed Database Roles"): sysadmin,
// or a member of msdb's SQLAgentUserRole, SQLAgentReaderRole or SQLAgentOperatorRole (anyone else:
// 229, EXECUTE denied, as for any procedure in msdb the login may not execute; the caller checks
// that). A job is owned by the login that ran sp_add_job; only sysadmin may name another owner in
// @owner_login_name (14515). Members of the Agent roles change only jobs they own: steps, schedules,
// servers and sp_update_job on another login's job are 14525, except that SQLAgentOperatorRole may
// enable or disable any job with sp_update_job @job_name, @enabled alone. Messages as listed in
// "Database engine events and errors" (14515, 14525). Not modelled: proxies — sp_add_jobstep says a
// step other than T-SQL needs a proxy unless its creator is sysadmin; the lab has no proxies, so a
// CmdExec or PowerShell step is stored whoever adds it.
import { SqlError } from '../errors.js';
import type { AgentJob, AgentJobStep, AgentSchedule, InstanceState, Login } from '../model.js';
import { findLogin, newGuid } from './principals.js';

export type AgentArgument = (name: string) => string | null;

/** msdb.dbo.sysjobs.owner_sid of sa, the owner of jobs saved before owners were modelled. */
export const SA_SID = '01';

/** Who calls an Agent procedure (already allowed to execute it). */
export interface AgentCaller {
  login: Login | undefined;
  sysadmin: boolean;
  /** A member of SQLAgentOperatorRole in msdb. */
  operator: boolean;
}

const ownedBy = (job: AgentJob, caller: AgentCaller): boolean =>
  caller.sysadmin || (caller.login !== undefined && (job.ownerSid ?? SA_SID).toLowerCase() === caller.login.sidHex.toLowerCase());

const notOwner = (): SqlError => new SqlError(14525, 'Only members of sysadmin role are allowed to update or delete jobs owned by a different login.');

/** The owner_sid of a new job: the caller, or the login a sysadmin names. */
function ownerOf(instance: InstanceState, arg: AgentArgument, caller: AgentCaller): string {
  const named = arg('@owner_login_name');
  if (named === null || named === '' || named.toLowerCase() === (caller.login?.name ?? '').toLowerCase()) return caller.login?.sidHex ?? SA_SID;
  if (!caller.sysadmin) throw new SqlError(14515, 'Only a member of the sysadmin server role can add a job for a different owner with @owner_login_name.');
  const login = findLogin(instance.logins, named);
  if (!login) throw new SqlError(14262, `The specified @owner_login_name ('${named}') does not exist.`);
  return login.sidHex;
}

const jobNamed = (instance: InstanceState, name: string | null): AgentJob => {
  const job = (instance.agentJobs ?? []).find((j) => j.name.toLowerCase() === (name ?? '').toLowerCase());
  if (!job) throw new SqlError(14262, `The specified @job_name ('${name ?? ''}') does not exist.`);
  return job;
};

/** sp_add_jobstep's documented defaults for what a step does next (on_success_action 1 = quit
 * reporting success: a job whose steps omit it stops after its first step). */
export const STEP_DEFAULTS: Required<
  Pick<AgentJobStep, 'onSuccessAction' | 'onSuccessStepId' | 'onFailAction' | 'onFailStepId' | 'retryAttempts' | 'retryInterval'>
> = {
  onSuccessAction: 1,
  onSuccessStepId: 0,
  onFailAction: 2,
  onFailStepId: 0,
  retryAttempts: 0,
  retryInterval: 0,
};

/** sp_add_jobschedule's documented defaults (active_start_date: the day it is added). */
export const SCHEDULE_DEFAULTS: Required<Pick<AgentSchedule, 'freqRelativeInterval' | 'freqRecurrenceFactor' | 'activeEndDate' | 'activeEndTime'>> = {
  freqRelativeInterval: 0,
  freqRecurrenceFactor: 0,
  activeEndDate: 99991231,
  activeEndTime: 235959,
};

const yyyymmdd = (at: Date): number => Number(at.toISOString().slice(0, 10).replaceAll('-', ''));

const number = (value: string | null, fallback: number): number => (value === null || value === '' ? fallback : Number(value));

/** A job the caller may change with `procedure` (14262 when there is none, 14525 when not its own). */
function changeableJob(instance: InstanceState, procedure: string, arg: AgentArgument, caller: AgentCaller, named: readonly string[]): AgentJob {
  const job = jobNamed(instance, arg('@job_name'));
  const enableOnly = procedure === 'sp_update_job' && named.every((p) => p === '@job_name' || p === '@enabled');
  if (!ownedBy(job, caller) && !(enableOnly && caller.operator)) throw notOwner();
  return job;
}

/** Runs one of the Agent procedures above; `arg` reads a parameter by its @name, `named` lists the
 * parameters given (lower case). */
export function agentProcedure(
  instance: InstanceState,
  procedure: string,
  arg: AgentArgument,
  now: Date,
  caller: AgentCaller,
  named: readonly string[] = [],
): void {
  switch (procedure) {
    case 'sp_add_job': {
      const name = arg('@job_name') ?? '';
      const ownerSid = ownerOf(instance, arg, caller);
      if ((instance.agentJobs ?? []).some((j) => j.name.toLowerCase() === name.toLowerCase()))
        throw new SqlError(14261, `The specified @name ('${name}') already exists.`);
      instance.agentJobs = [
        ...(instance.agentJobs ?? []),
        {
          jobId: newGuid(),
          name,
          enabled: number(arg('@enabled'), 1) === 1,
          description: arg('@description'),
          ownerSid,
          createdAt: now.toISOString(),
          steps: [],
          schedules: [],
        },
      ];
      return;
    }
    case 'sp_add_jobstep': {
      const job = changeableJob(instance, procedure, arg, caller, named);
      const stepId = number(arg('@step_id'), job.steps.length + 1);
      const subsystem = (arg('@subsystem') ?? 'TSQL').toUpperCase();
      job.steps.push({
        stepId,
        stepName: arg('@step_name') ?? '',
        subsystem: subsystem === 'CMDEXEC' ? 'CmdExec' : subsystem === 'POWERSHELL' ? 'PowerShell' : 'TSQL',
        command: arg('@command') ?? '',
        databaseName: arg('@database_name') ?? 'master',
        onSuccessAction: number(arg('@on_success_action'), STEP_DEFAULTS.onSuccessAction),
        onSuccessStepId: number(arg('@on_success_step_id'), STEP_DEFAULTS.onSuccessStepId),
        onFailAction: number(arg('@on_fail_action'), STEP_DEFAULTS.onFailAction),
        onFailStepId: number(arg('@on_fail_step_id'), STEP_DEFAULTS.onFailStepId),
        retryAttempts: number(arg('@retry_attempts'), STEP_DEFAULTS.retryAttempts),
        retryInterval: number(arg('@retry_interval'), STEP_DEFAULTS.retryInterval),
      });
      job.steps.sort((a, b) => a.stepId - b.stepId);
      return;
    }
    case 'sp_add_jobschedule': {
      const job = changeableJob(instance, procedure, arg, caller, named);
      const scheduleId = 1 + Math.max(0, ...(instance.agentJobs ?? []).flatMap((j) => (j.schedules ?? []).map((s) => s.scheduleId)));
      (job.schedules ??= []).push({
        scheduleId,
        name: arg('@name') ?? '',
        enabled: number(arg('@enabled'), 1) === 1,
        freqType: number(arg('@freq_type'), 0),
        freqInterval: number(arg('@freq_interval'), 0),
        freqSubdayType: number(arg('@freq_subday_type'), 0),
        freqSubdayInterval: number(arg('@freq_subday_interval'), 0),
        activeStartTime: number(arg('@active_start_time'), 0),
        freqRelativeInterval: number(arg('@freq_relative_interval'), SCHEDULE_DEFAULTS.freqRelativeInterval),
        freqRecurrenceFactor: number(arg('@freq_recurrence_factor'), SCHEDULE_DEFAULTS.freqRecurrenceFactor),
        activeStartDate: number(arg('@active_start_date'), yyyymmdd(now)),
        activeEndDate: number(arg('@active_end_date'), SCHEDULE_DEFAULTS.activeEndDate),
        activeEndTime: number(arg('@active_end_time'), SCHEDULE_DEFAULTS.activeEndTime),
      });
      return;
    }
    case 'sp_add_jobserver':
      changeableJob(instance, procedure, arg, caller, named);
      return;
    case 'sp_update_job': {
      const job = changeableJob(instance, procedure, arg, caller, named);
      const enabled = arg('@enabled');
      if (enabled !== null) job.enabled = Number(enabled) === 1;
      const description = arg('@description');
      if (description !== null) job.description = description;
      return;
    }
  }
}
