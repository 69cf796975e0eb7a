// SQL Server Agent jobs that touch the mirrored databases (a step running in one of them, or whose
// command names one), listed on both partners. Jobs live in msdb, which is not mirrored: a backup
// or maintenance job that exists only on the principal stops after a failover, and one on the
// mirror fails while its database is RESTORING. mirrorbook lists them; `run copy-agent-jobs` copies
// them when asked (steps/agent-jobs.ts), as dbatools Copy-DbaAgentJob does. Before copy-agent-jobs:
// sp_add_jobstep takes a step other than T-SQL (CmdExec, PowerShell …) without a proxy only from a
// sysadmin ("sp_add_jobstep", Remarks), and the copy sends no proxy, so a job with such a step is a
// ✗ on the partner it would be copied to when the login is not sysadmin there: caught here, not
// after sp_add_job has left a job without its steps.
// learn.microsoft.com: dbo.sysjobs, dbo.sysjobsteps (msdb), sp_add_jobstep.
import type { PartnerRole } from '../../config/types.js';
import { databasesTouched } from '../../steps/agent-jobs.js';
import { databaseStateQuery, type DatabaseStateRow } from '../../steps/database-state.js';
import { constantSql, tsql } from '../../steps/tsql.js';
import { fail, ok, partnersOf, warn, type Finding, type PreflightCheck, type PreflightContext } from '../check.js';

const ID = 'agent-jobs';
const JOBS = tsql`SELECT j.name AS job_name, j.enabled, s.step_id, s.step_name, s.subsystem, s.database_name, s.command FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id`;
const SYSADMIN = constantSql("SELECT IS_SRVROLEMEMBER('sysadmin') AS sysadmin");

interface JobStepRow {
  job_name: string;
  enabled: number;
  step_id: number;
  step_name: string;
  subsystem: string;
  database_name: string | null;
  command: string | null;
}

type Jobs = Map<string, { enabled: boolean; touches: Set<string>; notTsql: string[] }>;

/** copy-agent-jobs copies from the partner serving the databases (steps/sync-logins.ts readablePartner). */
async function servingPartner(ctx: PreflightContext): Promise<PartnerRole | undefined> {
  for (const server of partnersOf(ctx)) {
    const database = ctx.config.databases[0]!;
    const row = (await ctx.rows<DatabaseStateRow>(server.role, databaseStateQuery([database]))).find((r) => r.name.toLowerCase() === database.toLowerCase());
    if (row?.state_desc === 'ONLINE' && row.mirroring_role_desc !== 'MIRROR') return server.role;
  }
  return undefined;
}

/** Jobs the copy would create on the other partner with a step it may not add there without a proxy. */
async function needingProxy(ctx: PreflightContext, found: Map<PartnerRole, { instance: string; jobs: Jobs }>): Promise<Finding[]> {
  const source = await servingPartner(ctx);
  const from = source === undefined ? undefined : found.get(source);
  if (!source || !from) return [];
  return Promise.all(
    [...found]
      .filter(([role]) => role !== source)
      .map(async ([role, to]): Promise<Finding[]> => {
        const jobs = [...from.jobs].filter(([name, job]) => job.notTsql.length > 0 && !to.jobs.has(name));
        if (jobs.length === 0) return [];
        const [row] = await ctx.rows<{ sysadmin: number | null }>(role, SYSADMIN);
        if (Number(row?.sysadmin) === 1) return [];
        return [
          fail(
            ID,
            to.instance,
            `the login is not sysadmin here, and sp_add_jobstep takes a step other than T-SQL without a proxy only from a sysadmin: ${jobs.map(([name, job]) => `'${name}' (${job.notTsql.join(', ')})`).join(', ')}`,
            `copy-agent-jobs sends no proxy: run it with a sysadmin login in the config, or script these jobs with their proxy yourself (SSMS "Script Job as"); nothing was copied`,
          ),
        ];
      }),
  ).then((all) => all.flat());
}

export const agentJobsCheck: PreflightCheck = {
  id: ID,
  title: 'SQL Agent jobs that touch the mirrored databases, on both partners (msdb is not mirrored)',
  procedures: ['setup', 'enable', 'failover', 'failback', 'sync-logins', 'copy-agent-jobs'],
  async run(ctx) {
    const found = new Map<PartnerRole, { instance: string; jobs: Jobs }>();
    for (const server of partnersOf(ctx)) {
      const steps = await ctx.rows<JobStepRow>(server.role, JOBS);
      const jobs: Jobs = new Map();
      for (const step of steps) {
        const touched = databasesTouched(step, ctx.config.databases);
        if (touched.length === 0) continue;
        const job = jobs.get(step.job_name) ?? { enabled: Number(step.enabled) === 1, touches: new Set<string>(), notTsql: [] };
        touched.forEach((d) => job.touches.add(d));
        jobs.set(step.job_name, job);
      }
      // A copied job takes all its steps, also those that touch no configured database.
      for (const step of steps)
        if (jobs.has(step.job_name) && step.subsystem.toUpperCase() !== 'TSQL') jobs.get(step.job_name)!.notTsql.push(`${step.subsystem} step ${step.step_id}`);
      found.set(server.role, { instance: server.config.instance, jobs });
    }
    const findings: Finding[] = [];
    for (const [role, { instance, jobs }] of found) {
      const others = [...found].filter(([r]) => r !== role).map(([, o]) => o);
      const listed = [...jobs].map(([name, job]) => `'${name}' (${job.enabled ? 'enabled' : 'disabled'}; ${[...job.touches].join(', ')})`);
      const missing = others.flatMap((other) => [...jobs.keys()].filter((name) => !other.jobs.has(name)).map((name) => ({ name, on: other.instance })));
      if (missing.length === 0) {
        findings.push(ok(ID, instance, listed.length > 0 ? `jobs touching the databases: ${listed.join(', ')}` : 'no SQL Agent job touches the configured databases'));
        continue;
      }
      findings.push(warn(ID, instance, `jobs touching the databases: ${listed.join(', ')}; not on ${[...new Set(missing.map((m) => m.on))].join(', ')}: ${missing.map((m) => `'${m.name}'`).join(', ')}`,
        `msdb is not mirrored: after a failover these jobs do not run where the databases are served. 'mirrorbook run copy-agent-jobs' copies them there, disabled (enable them after a failover), or script them yourself (SSMS "Script Job as", dbatools Copy-DbaAgentJob) and let each job step skip when its database is not the principal (sys.database_mirroring.mirroring_role = 1)`));
    }
    if (ctx.procedure === 'copy-agent-jobs') findings.push(...(await needingProxy(ctx, found)));
    return findings;
  },
};
