// Who holds a pair, in the words an operator needs to decide what to do about it.

import type { LockInfo } from '../store/types.js';

export function describeLockHolder(holder: LockInfo, stale: boolean): { message: string; hint: string } {
  const who = `${holder.owner} on ${holder.host} (pid ${holder.pid}), running '${holder.procedure}' as run ${holder.runId} since ${holder.acquiredAt}`;
  if (stale) {
    return {
      message: `pair ${holder.pairKey} is locked by a process that is gone: ${who}`,
      hint: `continue that run with 'mirrorbook resume ${holder.runId}', or release the stale lock with 'mirrorbook unlock --pair ${holder.pairKey}'`,
    };
  }
  return {
    message: `pair ${holder.pairKey} is locked by another run: ${who}`,
    hint: `wait for it to finish; if you are sure it is gone, 'mirrorbook unlock --pair ${holder.pairKey}' (audited)`,
  };
}
