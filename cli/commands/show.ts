// `mirrorbook show <run-id>`: one run — its steps as the journal has them, and the audit timeline.

import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { openExistingStore } from './run-session.js';
import { livenessIn } from '../run-liveness.js';
import { currentHost } from '../../store/who.js';
import type { AuditRecord } from '../../store/types.js';

const command: Command = async (ctx) => {
  const [runId] = ctx.positionals;
  if (!runId) throw new UsageError('show needs a run id', "list runs with 'mirrorbook runs'");
  const { store, path } = await openExistingStore(ctx, { readonly: true, migrate: true });
  if (!store) throw new UsageError(`no run '${runId}': there is no store at ${path}`, 'check --store / --config');
  try {
    const run = store.runs.get(runId);
    if (!run) throw new UsageError(`no run '${runId}' in ${path}`, "list runs with 'mirrorbook runs'");
    const finished = new Map(store.journal.steps(run.id).map((s) => [s.stepId, s]));
    const journal = store.journal.forRun(run.id);
    const audit = store.audit.forRun(run.id);
    const steps = run.definition.steps.map((s) => ({
      id: s.id,
      title: s.title,
      target: s.target,
      status: finished.get(s.id)?.status ?? 'pending',
      detail: finished.get(s.id)?.detail,
      attempts: journal.filter((j) => j.stepId === s.id).length,
    }));
    const live = livenessIn(store, run, currentHost());
    if (ctx.flags.json) {
      ctx.stdout.write(JSON.stringify({ run, liveness: live, steps, journal, audit }) + '\n');
      return 0;
    }
    const skipped = steps.filter((s) => s.status === 'skipped');
    const out: string[] = [
      `run ${run.id}: ${run.procedure} on ${run.pairKey} — ${live.status}${skipped.length ? ` WITH ${skipped.length} SKIPPED STEP(S)` : ''}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}${live.how ? `, ${live.how}` : ''}`,
      `  by ${run.operator} (${run.osUser}@${run.host}, pid ${run.pid}); started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''}`,
      '',
      'steps:',
      ...steps.map(
        (s, i) =>
          `  ${String(i + 1).padStart(2)}. ${s.status.padEnd(12)} ${s.id} [${s.target}]${s.attempts ? ` ${s.attempts} attempt(s)` : ''}${s.detail ? ` — ${s.detail}` : ''}`,
      ),
      '',
      'audit timeline:',
      ...audit.flatMap((a, i) => [
        ...(i === 0 || writer(a) !== writer(audit[i - 1]!) ? [`  (written by ${writer(a)})`] : []),
        `  #${a.seq} ${a.ts} ${a.kind}${a.stepId ? ` ${a.stepId}` : ''}${a.server ? ` @${a.server}` : a.target ? ` @${a.target}` : ''}${a.result ? ` → ${a.result}` : ''}${a.errorNumber !== null ? ` (error ${a.errorNumber})` : ''}${a.message ? ` — ${a.message}` : ''}${a.sql ? `\n      ${a.sql.replace(/\n/g, '\n      ')}` : ''}`,
      ]),
    ];
    ctx.stdout.write(out.join('\n') + '\n');
    return 0;
  } finally {
    store.close();
  }
};
export default command;

/** The process that wrote a record (records before schema 9 name only their host). */
function writer(a: AuditRecord): string {
  return a.pid === null ? `a process on ${a.host}` : `process ${a.pid} on ${a.host}`;
}
