// Planned role swap of every configured database together, with the application's logins synced
// to the target first and its readiness there checked after. `failover` makes the configured mirror
// the principal; `failback` makes the configured principal the principal again. Both are
// idempotent: a database already on the target side is recorded as already done.
import type { MirrorbookConfig } from '../config/types.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { verifyApplicationReady } from '../steps/application-ready.js';
import { checkReadyForFailover, failoverDatabase } from '../steps/failover.js';
import { verifySwapEndState } from '../steps/pair-end-state.js';
import type { WaitLimit } from '../steps/wait-synchronized.js';
import { syncLogins } from '../steps/sync-logins.js';

function swap(config: MirrorbookConfig, to: 'principal' | 'mirror', wait: WaitLimit): ProcedureDefinition {
  const instances = { principal: config.pair.principal.instance, mirror: config.pair.mirror.instance };
  return {
    name: to === 'mirror' ? 'failover' : 'failback',
    title: `Planned failover of every database to ${instances[to]}`,
    steps: [
      syncLogins(config.databases, to),
      checkReadyForFailover(config.databases, to, instances),
      ...config.databases.map((d) => failoverDatabase(d, to, instances, config.databases)),
      verifySwapEndState(config.databases, to, instances, wait),
      verifyApplicationReady(config.databases, to, instances[to], config.applicationPrograms),
    ],
  };
}

export const failover = (config: MirrorbookConfig, wait: WaitLimit) => swap(config, 'mirror', wait);
export const failback = (config: MirrorbookConfig, wait: WaitLimit) => swap(config, 'principal', wait);
