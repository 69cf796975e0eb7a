import { existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { labConfigNotice, resolvePaths } from '../paths.js';
import { openSession } from './run-session.js';
import { nextStepsAfter } from '../next-steps.js';
import { selfCommand } from '../self-command.js';

const command: Command = async (ctx) => {
  const { loadProcedure } = await import('../load-procedure.js');
  const { anchorMissedRunEnd, findRunToResume, resumeRun } = await import('../../machines/engine.js');
  // Where there is no store there is nothing to resume: create nothing.
  const paths = resolvePaths(ctx.flags, ctx.env, ctx.cwd);
  const storePath = paths.store;
  if (!existsSync(storePath)) {
    const asked = ctx.positionals[0];
    throw new UsageError(
      `${asked === undefined ? 'no run to resume' : `no run '${asked}'`}: there is no store at ${storePath}`,
      `check --store / --config; start a run with '${selfCommand(ctx)} run <procedure>'`,
    );
  }
  ctx.stderr.write(labConfigNotice(paths));
  const session = await openSession(ctx);
  let result;
  let procedureName = '';
  try {
    const asked = ctx.positionals[0];
    const finished = asked ? session.store.runs.get(asked) : session.store.runs.list({ limit: 1 })[0];
    if (finished?.status === 'done') {
      const procedure = await loadProcedure(finished.procedure, {
        configPath: session.configPath,
        env: ctx.env,
        cwd: ctx.cwd,
        now: new Date(finished.startedAt),
        ...shapedBy(finished, storePath),
      });
      await anchorMissedRunEnd({ ...session.options, procedure }, finished);
    }
    const run = findRunToResume(session.store, asked, session.options.commandFor);
    procedureName = run.procedure;
    const procedure = await loadProcedure(run.procedure, {
      configPath: session.configPath,
      env: ctx.env,
      cwd: ctx.cwd,
      now: new Date(run.startedAt),
      ...shapedBy(run, storePath),
    });
    // The config's warnings at every start, a resume's too (the full preflight is run's).
    for (const finding of (await procedure.preflight?.(false)) ?? []) {
      session.options.listener?.({
        type: 'note',
        ts: new Date().toISOString(),
        runId: run.id,
        text: `⚠ ${finding.server}: ${finding.found}${finding.hint ? ` — ${finding.hint}` : ''}`,
      });
    }
    result = await resumeRun({ ...session.options, procedure, run });
  } finally {
    await session.close();
  }
  if (result.status === 'done' && !ctx.flags.json) ctx.stdout.write(nextStepsAfter(ctx, procedureName) ?? '');
  return result.exitCode;
};
export default command;

/** What the run's own command line asked for that shapes its procedure (`run cleanup --drop-anchors
 * --remove-backups`): the resume rebuilds the same definition. */
const shapedBy = (run: { procedure: string; argv: string[] }, storePath: string): { dropAnchors?: true; removeBackupsOf?: string } => {
  if (run.procedure !== 'cleanup') return {};
  return {
    ...(run.argv.includes('--drop-anchors') ? { dropAnchors: true } : {}),
    ...(run.argv.includes('--remove-backups') ? { removeBackupsOf: storePath } : {}),
  };
};
