// SQL Server Agent jobs that touch the mirrored databases (a step running in one of them, or whose
// command names one), listed on both partners. Jobs live in msdb, which is not mirrored: a backup
// or maintenance job that exists only on the principal stops after a failover, and one on the
// mirror fails while its database is RESTORING. mirrorbook lists them; `run copy-agent-jobs` copies
// them when asked (steps/agent-jobs.ts), as dbatools Copy-DbaAgentJob does.
// learn.microsoft.com: dbo.sysjobs, dbo.sysjobsteps (msdb).
import { databasesTouched } from '../../steps/agent-jobs.js';
import { tsql } from '../../steps/tsql.js';
import { ok, partnersOf, warn, type Finding, type PreflightCheck } from '../check.js';

const ID = 'agent-jobs';
const JOBS = tsql`SELECT j.name AS job_name, j.enabled, s.step_id, s.step_name, s.database_name, s.command FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id`;

interface JobStepRow {
  job_name: string;
  enabled: number;
  step_id: number;
  step_name: string;
  database_name: string | null;
  command: string | null;
}

export const agentJobsCheck: PreflightCheck = {
  id: ID,
  title: 'SQL Agent jobs that touch the mirrored databases, on both partners (msdb is not mirrored)',
  procedures: ['setup', 'enable', 'failover', 'failback', 'sync-logins', 'copy-agent-jobs'],
  async run(ctx) {
    const found = new Map<string, { instance: string; jobs: Map<string, { enabled: boolean; touches: Set<string> }> }>();
    for (const server of partnersOf(ctx)) {
      const jobs = new Map<string, { enabled: boolean; touches: Set<string> }>();
      for (const step of await ctx.rows<JobStepRow>(server.role, JOBS)) {
        const touched = databasesTouched(step, ctx.config.databases);
        if (touched.length === 0) continue;
        const job = jobs.get(step.job_name) ?? { enabled: Number(step.enabled) === 1, touches: new Set<string>() };
        touched.forEach((d) => job.touches.add(d));
        jobs.set(step.job_name, job);
      }
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
    return findings;
  },
};
