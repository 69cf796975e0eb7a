import type { Command, CommandContext } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { procedureHint } from '../../runbooks/procedures.js';
import { openSession } from './run-session.js';
import { nextStepsAfter } from '../next-steps.js';

/** How a run shows itself besides the run view: `brief` plain lines (step results, notes, waits —
 * the demo's piped page, ui/plain-reporter.ts) and the "what next" after it (the demo prints its own). */
export interface RunShow {
  brief?: boolean;
  nextSteps?: boolean;
}

const command: Command = async (ctx) => runProcedure(ctx, ctx.positionals[0], { nextSteps: true });
export default command;

export async function runProcedure(ctx: CommandContext, name: string | undefined, show: RunShow): Promise<number> {
  if (!name) throw new UsageError('run needs a procedure name', procedureHint(undefined));
  const { loadProcedure } = await import('../load-procedure.js');
  const { startRun } = await import('../../machines/engine.js');
  const { resolvePaths } = await import('../paths.js');
  const { cleanupShape } = await import('../cleanup-options.js');
  const { labConfigNotice } = await import('../paths.js');
  const paths = resolvePaths(ctx.flags, ctx.env, ctx.cwd);
  ctx.stderr.write(labConfigNotice(paths));
  const procedure = await loadProcedure(name, { configPath: paths.config, env: ctx.env, cwd: ctx.cwd, ...cleanupShape(ctx, name, paths.store) });
  const approved = optionText(ctx, 'plan-hash');
  if (approved !== undefined) {
    // A change approved is the change run: the plan as it would run now must be the one reviewed.
    // The run records its definition hash in the audit trail (run-start).
    const { hashDefinition, summarizeDefinition } = await import('../../machines/definition-hash.js');
    const now = hashDefinition(summarizeDefinition(procedure.definition));
    if (now !== approved.toLowerCase()) {
      throw new UsageError(
        `the plan of '${name}' no longer hashes to ${approved}: it is ${now} now; nothing was run`,
        `compare 'mirrorbook plan ${name}' with the plan that was approved (the config, the procedure or the date of certificates changed); have the new plan approved and run it with --plan-hash ${now}`,
      );
    }
  }
  // A store that cannot be used is a usage error (exit 2) before any server is read.
  const { openStore } = await import('../../store/index.js');
  openStore(resolvePaths(ctx.flags, ctx.env, ctx.cwd).store).close();
  // The engine takes the pair's lock, then runs the preflight (machines/engine.ts: preflightUnderLock).
  const session = await openSession(ctx, { brief: show.brief === true });
  let result;
  try {
    result = await startRun({ ...session.options, procedure });
  } finally {
    await session.close();
  }
  if (show.nextSteps && result.status === 'done' && !ctx.flags.json) ctx.stdout.write(nextStepsAfter(ctx, name) ?? '');
  return result.exitCode;
}
