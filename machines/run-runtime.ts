// Everything one run's actors share: the store, the procedure, the connections, the operator and the
// event listener. The actors (step-actors.ts) are the only place effects happen.

import type { Store } from '../store/types.js';
import type { Pace } from './pace.js';
import type { EngineEvent, EngineEventListener } from './events.js';
import type { Operator, ProcedureDefinition, StepDefinition } from './procedure.js';
import type { SqlTargets } from './sql-targets.js';
import { createDurability, type Durability } from './durability.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EventBody = DistributiveOmit<EngineEvent, 'ts' | 'runId'>;

export interface RunRuntime {
  runId: string;
  definition: ProcedureDefinition;
  store: Store;
  targets(): SqlTargets;
  operator: Operator;
  /** Aborted with the signal name ('SIGINT' / 'SIGTERM') when the run is interrupted. */
  signal: AbortSignal;
  /** How often waits poll and how long a read may take. */
  pace: Pace;
  emit(event: EventBody): void;
  /** Before each change: the pair's lock on the servers is still this run's (engine.ts). */
  holdPair?: () => Promise<string[]>;
  /** Before a change goes to a partner: the pair's lock is held there too (engine.ts). */
  holdOn?: (role: 'principal' | 'mirror') => Promise<string | undefined>;
  /** Every write of the run (journal, audit, checkpoint) goes through here. */
  durability: Durability;
  /** When each step began, for step-finished durations: its first intent when an earlier
   * (interrupted) process began it, else its first start in this process. */
  startedAt: Map<string, { at: number; earlier: boolean }>;
  /** What the last probe of a step found, for the confirmation of a destructive one (what it overwrites). */
  found: Map<string, string>;
}

export interface RuntimeOptions extends Omit<RunRuntime, 'emit' | 'startedAt' | 'found' | 'durability'> {
  listener?: EngineEventListener;
  onCheckpoint?: (label: string) => void;
  /** The machine's persisted snapshot now, its name in boundary labels, and the definition hash
   * checkpoints are pinned to. */
  snapshot(): unknown;
  checkpointName(snapshot: unknown): string;
  definitionHash: string;
}

export function createRuntime(options: RuntimeOptions): RunRuntime {
  const { listener, onCheckpoint, snapshot, checkpointName, definitionHash, ...rest } = options;
  return {
    ...rest,
    startedAt: new Map(),
    found: new Map(),
    durability: createDurability(options.store, options.runId, { snapshot, name: checkpointName, definitionHash }, onCheckpoint),
    emit: (event) => listener?.({ ...event, ts: new Date().toISOString(), runId: options.runId } as EngineEvent),
  };
}

export function stepAt(rt: RunRuntime, index: number): StepDefinition {
  const step = rt.definition.steps[index];
  if (!step) throw new Error(`bug: no step at index ${index} in ${rt.definition.name}`);
  return step;
}
