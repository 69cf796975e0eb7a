// Backups and restores report percent complete through sys.dm_exec_requests; while one runs, a
// second connection polls it so the operator sees progress instead of a frozen screen.
import type { StepContext } from '../machines/procedure.js';
import { pause, rows, type SqlTarget } from './step.js';
import { lit, tsql } from './tsql.js';

const requestsQuery = tsql`SELECT command, percent_complete FROM sys.dm_exec_requests WHERE command LIKE ${lit('BACKUP%')} OR command LIKE ${lit('RESTORE%')}`;

export async function withProgress<T>(ctx: StepContext, target: SqlTarget, label: string, work: Promise<T>): Promise<T> {
  let finished = false;
  const done = new AbortController();
  const stop = AbortSignal.any([ctx.signal, done.signal]);
  const every = ctx.pollMs;
  const poll = (async () => {
    await pause(every / 2, stop).catch(() => undefined);
    while (!finished && !stop.aborted) {
      try {
        const found = await rows<{ percent_complete: number }>(ctx, target, requestsQuery);
        const percent = found[0]?.percent_complete;
        if (!finished && typeof percent === 'number') ctx.progress({ percent: Math.round(percent), label });
      } catch {
        return; // progress is a courtesy; never fail the step for it
      }
      await pause(every, stop).catch(() => undefined);
    }
  })();
  try {
    const result = await work;
    ctx.progress({ percent: 100, label });
    return result;
  } finally {
    finished = true;
    done.abort();
    await poll;
  }
}
