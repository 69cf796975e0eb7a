import type { Command } from '../command.js';
import { openSession } from './run-session.js';

const command: Command = async (ctx) => {
  const { loadProcedure } = await import('../load-procedure.js');
  const { findRunToResume, resumeRun } = await import('../../machines/engine.js');
  const session = await openSession(ctx);
  try {
    const run = findRunToResume(session.store, ctx.positionals[0]);
    const procedure = await loadProcedure(run.procedure, { configPath: session.configPath, env: ctx.env, cwd: ctx.cwd, now: new Date(run.startedAt) });
    return (await resumeRun({ ...session.options, procedure, run })).exitCode;
  } finally {
    session.close();
  }
};
export default command;
