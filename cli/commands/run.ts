import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { procedureHint } from '../../runbooks/procedures.js';
import { openSession } from './run-session.js';

const command: Command = async (ctx) => {
  const [name] = ctx.positionals;
  if (!name) throw new UsageError('run needs a procedure name', procedureHint(undefined));
  const { loadProcedure } = await import('../../machines/procedure-source.js');
  const { startRun } = await import('../../machines/engine.js');
  const { resolvePaths } = await import('../paths.js');
  const procedure = await loadProcedure(name, { configPath: resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, env: ctx.env, cwd: ctx.cwd });
  const session = await openSession(ctx);
  try {
    return (await startRun({ ...session.options, procedure })).exitCode;
  } finally {
    session.close();
  }
};
export default command;
