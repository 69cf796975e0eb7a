// `mirrorbook unlock [--pair KEY] [--reason TEXT]`: force-release a pair's lock, on the record.
// Without --pair: the pair of the latest run.

import type { Command } from '../command.js';
import { optionText, resumeCommandFor, UsageError } from '../command.js';
import { commandLine } from '../next-steps.js';
import { OperatorError } from '../../errors/operator-error.js';

/** A live holder is not released without --force: exit 4, as a run refused on the same lock. */
class LockHeldError extends OperatorError {
  override readonly name = 'LockHeldError';
  constructor(message: string, hint: string) {
    super(message, hint, 4);
  }
}
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
      if (ctx.options.force !== true) {
        throw new LockHeldError(
          `pair ${pairKey} is held by ${held.owner} on ${held.host} (pid ${held.pid}, run ${held.runId}, '${held.procedure}' since ${held.acquiredAt}), which may still be running`,
          `wait for it, or if you know it is gone: ${commandLine(ctx, `unlock --pair ${pairKey} --force --reason '…'`)} (audited)`,
        );
      }
      ctx.stderr.write(`warning: process ${held.pid} on ${held.host} may still be running run ${held.runId}; released by --force\n`);
    }
    const removed = store.locks.forceUnlock(pairKey, {
      operator: who.operator,
      osUser: who.osUser,
      host: who.host,
      ...(reason !== undefined ? { reason } : {}),
    });
    if (!removed) {
      ctx.stdout.write(`pair ${pairKey} was not locked\n`);
      return 0;
    }
    ctx.stdout.write(
      `released the lock on ${pairKey} held by ${removed.owner} on ${removed.host} (pid ${removed.pid}, run ${removed.runId}, '${removed.procedure}' since ${removed.acquiredAt}); recorded in the audit trail\n` +
        `continue that run with '${resumeCommandFor(ctx, removed.runId)}'\n`,
    );
    return 0;
  } finally {
    store.close();
  }
};
export default command;
