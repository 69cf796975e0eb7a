// Planned role swap of every configured database together. `failover` makes the configured mirror
// the principal; `failback` makes the configured principal the principal again. Both are
// idempotent: a database already on the target side is recorded as already done.
import type { MirrorbookConfig } from '../config/types.js';
import type { RunbookDefinition } from '../machines/runbook.js';
import { checkReadyForFailover, failoverDatabase } from '../steps/failover.js';
import { verifySwapEndState } from '../steps/pair-end-state.js';

function swap(config: MirrorbookConfig, to: 'principal' | 'mirror'): RunbookDefinition {
  const instances = { principal: config.pair.principal.instance, mirror: config.pair.mirror.instance };
  return {
    name: to === 'mirror' ? 'failover' : 'failback',
    title: `Planned failover of every database to ${instances[to]}`,
    steps: [checkReadyForFailover(config.databases, to, instances), ...config.databases.map((d) => failoverDatabase(d, to, instances, config.databases)), verifySwapEndState(config.databases, to, instances)],
  };
}

export const failover = (config: MirrorbookConfig) => swap(config, 'mirror');
export const failback = (config: MirrorbookConfig) => swap(config, 'principal');
