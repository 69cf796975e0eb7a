// The principal is lost: force service on the mirror (typed confirmation; data loss recorded).
// `resume-session` then reconnects the old principal as the new mirror once it is back.
import type { MirrorbookConfig } from '../config/types.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { verifyApplicationReady } from '../steps/application-ready.js';
import { checkPrincipalLost, forceService, resumeSession } from '../steps/force-service.js';
import { type WaitLimit, waitSynchronized } from '../steps/wait-synchronized.js';
import { acceptDiscardedLog, preserveOldCopies } from '../steps/forced-service-loss.js';
import { verifyPromoteEndState } from '../steps/pair-end-state.js';

export function promote(config: MirrorbookConfig, wait: WaitLimit): ProcedureDefinition {
  const mirror = config.pair.mirror.instance;
  const principal = config.pair.principal.instance;
  return {
    name: 'promote',
    title: `Forced service on ${mirror} after losing the principal (allows data loss)`,
    steps: [
      checkPrincipalLost(config.databases, mirror, principal),
      forceService(config.databases, mirror, config.pair.witness !== undefined),
      verifyPromoteEndState(config.databases, { principal, mirror }, wait),
      verifyApplicationReady(config.databases, 'mirror', mirror, config.applicationPrograms),
    ],
  };
}

/** After forced service the old principal may hold log the new one never received: it is
 * estimated, preserved while SQL Server still allows it, and discarded only once the operator has
 * typed the amount (steps/forced-service-loss.ts). After a plain suspend there is nothing at stake. */
export function resumeSessions(config: MirrorbookConfig, wait: WaitLimit): ProcedureDefinition {
  return {
    name: 'resume-session',
    title: 'Resume the suspended sessions once the old principal is back (it becomes the mirror)',
    steps: [
      preserveOldCopies(config.databases, {
        principal: config.backup.directory,
        ...(config.backup.mirrorDirectory ? { mirror: config.backup.mirrorDirectory } : {}),
      }),
      acceptDiscardedLog(config.databases),
      ...config.databases.map((d) => resumeSession(d)),
      ...config.databases.map((d) => waitSynchronized(d, wait)),
    ],
  };
}
