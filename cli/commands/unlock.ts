// `mirrorbook unlock [--pair KEY] [--reason TEXT]`: force-release a pair's lock, on the record.
// Without --pair: the pair of the latest run.

import type { Command } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { openExistingStore } from './run-session.js';

const command: Command = async (ctx) => {
  const reason = optionText(ctx, 'reason');
  const { store, path } = await openExistingStore(ctx, { readonly: false, auditKey: true });
  if (!store) throw new UsageError(`no store at ${path}`, 'check --store / --config');
  try {
    const pairKey = optionText(ctx, 'pair') ?? store.runs.latest()?.pairKey;
    if (!pairKey) throw new UsageError('no pair to unlock: no runs yet', 'name it with --pair KEY');
    const { currentWho } = await import('../../store/who.js');
    const who = currentWho(ctx.flags.operator);
    const held = store.locks.get(pairKey);
    if (held && !held.stale && held.pid !== process.pid) {
      ctx.stderr.write(`warning: process ${held.pid} on ${held.host} may still be running run ${held.runId}\n`);
    }
    const removed = store.locks.forceUnlock(pairKey, { operator: who.operator, osUser: who.osUser, host: who.host, ...(reason !== undefined ? { reason } : {}) });
    if (!removed) {
      ctx.stdout.write(`pair ${pairKey} was not locked\n`);
      return 0;
    }
    ctx.stdout.write(`released the lock on ${pairKey} held by ${removed.owner} on ${removed.host} (pid ${removed.pid}, run ${removed.runId}, '${removed.procedure}' since ${removed.acquiredAt}); recorded in the audit trail\n` +
      `continue that run with 'mirrorbook resume ${removed.runId}'\n`);
    return 0;
  } finally {
    store.close();
  }
};
export default command;
