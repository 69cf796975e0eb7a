// Who holds a pair, in the words an operator needs to decide what to do about it.

import type { LockInfo } from '../store/types.js';

/** `mb` writes a mirrorbook command line as the operator would type it (`npx mirrorbook …` from a checkout). */
export function describeLockHolder(holder: LockInfo, stale: boolean, mb: (args: string) => string): { message: string; hint: string } {
  const who = `${holder.owner} on ${holder.host} (pid ${holder.pid}), running '${holder.procedure}' as run ${holder.runId} since ${holder.acquiredAt}`;
  if (stale) {
    return {
      message: `pair ${holder.pairKey} is locked by a process that is gone: ${who}`,
      hint: `continue that run with '${mb(`resume ${holder.runId}`)}', or release the stale lock with '${mb(`unlock --pair ${holder.pairKey}`)}'`,
    };
  }
  return {
    message: `pair ${holder.pairKey} is locked by another run: ${who}`,
    hint: `wait for it to finish (resuming or starting another run cannot help while it runs); if you are sure it is gone, '${mb(`unlock --pair ${holder.pairKey}`)}' (audited)`,
  };
}
