// SQL Server Agent jobs that touch the mirrored databases (a step running in one, or whose command
// names one). msdb is not mirrored: a backup job that exists only on the principal stops after a
// failover. `check` lists them on both sides (preflight/checks/agent-jobs.ts); `run copy-agent-jobs`
// (opt-in, as dbatools' Copy-DbaAgentJob is a separate command) scripts each one from the partner
// that serves the databases — msdb.dbo.sysjobs, sysjobsteps, sysschedules/sysjobschedules — and
// creates it on the other partner with sp_add_job / sp_add_jobstep / sp_add_jobschedule /
// sp_add_jobserver, DISABLED there: its databases are a mirror on that side (RESTORING), so an
// enabled copy would only fail; a failover is when the DBA enables it (and disables the old one).
// Every documented field of a step's flow (on_success/on_fail action and step, retries) and of a
// schedule is copied and compared: sp_add_jobstep's default on_success_action is 1 (quit with
// success), so a copy without it would stop a multi-step job after its first step.
// Idempotent by comparison: the same job already there is done; a different job of that name is
// refused with the difference, never overwritten. A step's command is sent as a secret text: CmdExec
// and PowerShell steps carry passwords, so the audit, output and differences show its SHA-256 prefix
// and length only (steps/tsql.ts secretText). learn.microsoft.com: dbo.sysjobs, dbo.sysjobsteps,
// dbo.sysschedules, sp_add_job, sp_add_jobstep, sp_add_jobschedule, sp_add_jobserver.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { readablePartner } from './sync-logins.js';
import { CheckFailedError, rows } from './step.js';
import { lit, secretText, textDigest, tsql, type Statement } from './tsql.js';
import type { Partner } from '../config/types.js';

interface JobStep {
  stepId: number;
  stepName: string;
  subsystem: string;
  command: string;
  databaseName: string | null;
  onSuccessAction: number;
  onSuccessStepId: number;
  onFailAction: number;
  onFailStepId: number;
  retryAttempts: number;
  retryInterval: number;
}

interface JobSchedule {
  name: string;
  enabled: boolean;
  freqType: number;
  freqInterval: number;
  freqSubdayType: number;
  freqSubdayInterval: number;
  activeStartTime: number;
  freqRelativeInterval: number;
  freqRecurrenceFactor: number;
  activeStartDate: number;
  activeEndDate: number;
  activeEndTime: number;
}

export interface AgentJobDefinition {
  name: string;
  enabled: boolean;
  description: string | null;
  steps: JobStep[];
  schedules: JobSchedule[];
}

const JOB_STEPS = tsql`SELECT j.name AS job_name, j.enabled, j.description, s.step_id, s.step_name, s.subsystem, s.command, s.database_name, s.on_success_action, s.on_success_step_id, s.on_fail_action, s.on_fail_step_id, s.retry_attempts, s.retry_interval FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id`;
const JOB_SCHEDULES = tsql`SELECT j.name AS job_name, sc.name, sc.enabled, sc.freq_type, sc.freq_interval, sc.freq_subday_type, sc.freq_subday_interval, sc.active_start_time, sc.freq_relative_interval, sc.freq_recurrence_factor, sc.active_start_date, sc.active_end_date, sc.active_end_time FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobschedules js ON js.job_id = j.job_id JOIN msdb.dbo.sysschedules sc ON sc.schedule_id = js.schedule_id`;

/** The configured databases a step touches: it runs in one, or its command names one as a word. */
export function databasesTouched(step: { database_name: string | null; command: string | null }, databases: string[]): string[] {
  return databases.filter(
    (d) =>
      (step.database_name ?? '').toLowerCase() === d.toLowerCase() ||
      new RegExp(`(^|[^\\w])\\[?${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]?([^\\w]|$)`, 'i').test(step.command ?? ''),
  );
}

async function readJobs(ctx: StepContext, target: Partner): Promise<Map<string, AgentJobDefinition>> {
  const jobs = new Map<string, AgentJobDefinition>();
  for (const r of await rows<Record<string, unknown>>(ctx, target, JOB_STEPS)) {
    const name = String(r.job_name);
    const job = jobs.get(name.toLowerCase()) ?? {
      name,
      enabled: Number(r.enabled) === 1,
      description: r.description == null ? null : String(r.description),
      steps: [],
      schedules: [],
    };
    job.steps.push({
      stepId: Number(r.step_id),
      stepName: String(r.step_name),
      subsystem: String(r.subsystem),
      command: String(r.command ?? ''),
      databaseName: r.database_name == null ? null : String(r.database_name),
      onSuccessAction: Number(r.on_success_action),
      onSuccessStepId: Number(r.on_success_step_id),
      onFailAction: Number(r.on_fail_action),
      onFailStepId: Number(r.on_fail_step_id),
      retryAttempts: Number(r.retry_attempts),
      retryInterval: Number(r.retry_interval),
    });
    jobs.set(name.toLowerCase(), job);
  }
  for (const r of await rows<Record<string, unknown>>(ctx, target, JOB_SCHEDULES)) {
    jobs.get(String(r.job_name).toLowerCase())?.schedules.push({
      name: String(r.name),
      enabled: Number(r.enabled) === 1,
      freqType: Number(r.freq_type),
      freqInterval: Number(r.freq_interval),
      freqSubdayType: Number(r.freq_subday_type),
      freqSubdayInterval: Number(r.freq_subday_interval),
      activeStartTime: Number(r.active_start_time),
      freqRelativeInterval: Number(r.freq_relative_interval),
      freqRecurrenceFactor: Number(r.freq_recurrence_factor),
      activeStartDate: Number(r.active_start_date),
      activeEndDate: Number(r.active_end_date),
      activeEndTime: Number(r.active_end_time),
    });
  }
  for (const job of jobs.values()) job.steps.sort((a, b) => a.stepId - b.stepId);
  return jobs;
}

/** What differs between two definitions of a job, in words (empty: the same job). */
export function jobDifferences(wanted: AgentJobDefinition, there: AgentJobDefinition): string[] {
  const stepText = (s: JobStep) =>
    `${s.stepId} ${s.stepName} ${s.subsystem.toUpperCase()} in ${(s.databaseName ?? 'master').toLowerCase()}: command ${textDigest(s.command)}; on success ${s.onSuccessAction}/${s.onSuccessStepId}, on failure ${s.onFailAction}/${s.onFailStepId}, retry ${s.retryAttempts}x${s.retryInterval} min`;
  const scheduleText = (s: JobSchedule) =>
    `${s.name} ${s.enabled ? 'on' : 'off'} type ${s.freqType}/${s.freqInterval} sub ${s.freqSubdayType}/${s.freqSubdayInterval} relative ${s.freqRelativeInterval} every ${s.freqRecurrenceFactor} from ${s.activeStartDate} ${s.activeStartTime} to ${s.activeEndDate} ${s.activeEndTime}`;
  const differences: string[] = [];
  const steps = [wanted.steps.map(stepText), there.steps.map(stepText)];
  if (steps[0]!.join('\n') !== steps[1]!.join('\n'))
    differences.push(`its steps differ (${wanted.steps.length} here, ${there.steps.length} there${firstDifference(steps[0]!, steps[1]!)})`);
  const schedules = [wanted.schedules.map(scheduleText).sort(), there.schedules.map(scheduleText).sort()];
  if (schedules[0]!.join('\n') !== schedules[1]!.join('\n'))
    differences.push(`its schedules differ (${schedules[0]!.join(', ') || 'none'} against ${schedules[1]!.join(', ') || 'none'})`);
  return differences;
}

function firstDifference(a: string[], b: string[]): string {
  const at = a.findIndex((line, i) => line !== b[i]);
  const index = at < 0 ? a.length : at;
  return `; step ${index + 1}: '${a[index] ?? '(none)'}' against '${b[index] ?? '(none)'}'`;
}

/** The statements that create `job` as it is defined on the source, disabled. */
export function createJobStatements(job: AgentJobDefinition): Statement[] {
  const name = lit(job.name);
  return [
    tsql`EXEC msdb.dbo.sp_add_job @job_name = ${name}, @enabled = 0, @description = ${lit(job.description ?? '')}`,
    ...job.steps.map(
      (s) =>
        tsql`EXEC msdb.dbo.sp_add_jobstep @job_name = ${name}, @step_id = ${s.stepId}, @step_name = ${lit(s.stepName)}, @subsystem = ${lit(s.subsystem)}, @command = ${secretText(s.command)}, @database_name = ${lit(s.databaseName ?? 'master')}, @on_success_action = ${s.onSuccessAction}, @on_success_step_id = ${s.onSuccessStepId}, @on_fail_action = ${s.onFailAction}, @on_fail_step_id = ${s.onFailStepId}, @retry_attempts = ${s.retryAttempts}, @retry_interval = ${s.retryInterval}`,
    ),
    ...job.schedules.map(
      (s) =>
        tsql`EXEC msdb.dbo.sp_add_jobschedule @job_name = ${name}, @name = ${lit(s.name)}, @enabled = ${s.enabled ? 1 : 0}, @freq_type = ${s.freqType}, @freq_interval = ${s.freqInterval}, @freq_subday_type = ${s.freqSubdayType}, @freq_subday_interval = ${s.freqSubdayInterval}, @freq_relative_interval = ${s.freqRelativeInterval}, @freq_recurrence_factor = ${s.freqRecurrenceFactor}, @active_start_date = ${s.activeStartDate}, @active_end_date = ${s.activeEndDate}, @active_start_time = ${s.activeStartTime}, @active_end_time = ${s.activeEndTime}`,
    ),
    tsql`EXEC msdb.dbo.sp_add_jobserver @job_name = ${name}, @server_name = ${lit('(local)')}`,
  ];
}

interface Comparison {
  source: Partner;
  missing: AgentJobDefinition[];
  different: { job: AgentJobDefinition; differences: string[] }[];
  same: string[];
}

async function compare(ctx: StepContext, databases: string[], target: Partner): Promise<Comparison | undefined> {
  const source = await readablePartner(ctx, databases);
  if (source === target) return undefined;
  const wanted = [...(await readJobs(ctx, source)).values()].filter((job) =>
    job.steps.some((s) => databasesTouched({ database_name: s.databaseName, command: s.command }, databases).length > 0),
  );
  const there = await readJobs(ctx, target);
  const found: Comparison = { source, missing: [], different: [], same: [] };
  for (const job of wanted) {
    const other = there.get(job.name.toLowerCase());
    const differences = other ? jobDifferences(job, other) : [];
    if (!other) found.missing.push(job);
    else if (differences.length > 0) found.different.push({ job, differences });
    else found.same.push(job.name);
  }
  return found;
}

export function copyAgentJobs(databases: string[], target: Partner): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const found = await compare(ctx, databases, target);
    if (!found) return { done: true, detail: `the ${target} serves the databases: its jobs are the source` };
    const { missing, different, same } = found;
    if (missing.length === 0 && different.length === 0)
      return {
        done: true,
        detail:
          same.length > 0
            ? `the ${target} has the same ${same.length} job(s) touching ${databases.join(', ')}: ${same.map((n) => `'${n}'`).join(', ')}`
            : `no SQL Agent job on the ${found.source} touches ${databases.join(', ')}`,
      };
    return {
      done: false,
      detail: [
        ...missing.map((j) => `'${j.name}' is not on the ${target}`),
        ...different.map((d) => `'${d.job.name}' on the ${target} is another job: ${d.differences.join('; ')}`),
      ].join('; '),
    };
  };
  return {
    id: `agent-jobs.${target}`,
    title: `SQL Agent jobs touching the mirrored databases copied to the ${target} (created disabled there)`,
    target,
    probe,
    async apply(ctx) {
      const found = await compare(ctx, databases, target);
      if (!found) return;
      if (found.different.length > 0) {
        throw new CheckFailedError(
          `${found.different.map((d) => `job '${d.job.name}' on the ${target} is not the one on the ${found.source}: ${d.differences.join('; ')}`).join('; ')}`,
          `mirrorbook never overwrites a job: compare them (SSMS "Script Job as"), then rename or drop the one on the ${target} (msdb.dbo.sp_delete_job) if the ${found.source}'s is the right one, and run copy-agent-jobs again; nothing was copied`,
          false,
        );
      }
      for (const job of found.missing) {
        ctx.note(
          `job '${job.name}' (${job.steps.length} step(s), ${job.schedules.length} schedule(s)) copied from the ${found.source}, disabled on the ${target}: enable it there after a failover`,
        );
        for (const statement of createJobStatements(job)) await ctx.sql(target, statement);
      }
    },
    verify: probe,
    plan: () => [
      {
        target,
        tsql: tsql`-- per job touching the mirrored databases that this partner lacks, scripted from msdb on the serving partner: EXEC msdb.dbo.sp_add_job … @enabled = 0; sp_add_jobstep …; sp_add_jobschedule …; sp_add_jobserver …`,
      },
    ],
  };
}
