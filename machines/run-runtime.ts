// Everything one run's actors share: the store, the runbook, the connections, the operator and the
// event listener. The actors (step-actors.ts) are the only place effects happen.

import type { JournalEntry, Store } from '../store/types.js';
import type { EngineEvent, EngineEventListener } from './events.js';
import type { Operator, RunbookDefinition, StepDefinition } from './runbook.js';
import type { SqlTargets } from './sql-targets.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EventBody = DistributiveOmit<EngineEvent, 'ts' | 'runId'>;

export interface RunRuntime {
  runId: string;
  runbook: RunbookDefinition;
  store: Store;
  targets(): SqlTargets;
  operator: Operator;
  /** Aborted with the signal name ('SIGINT' / 'SIGTERM') when the run is interrupted. */
  signal: AbortSignal;
  emit(event: EventBody): void;
  checkpoint(label: string): void;
  /** When each step was first started in this process, for step-finished durations. */
  startedAt: Map<string, number>;
  /** The journal entries of one step. Read from the store once and again after each write of
   * ours: while we hold the pair's lock nobody else writes this run's journal. */
  journalOf(stepId: string): JournalEntry[];
  /** Call after writing an intent or outcome. */
  journalChanged(): void;
}

export function createRuntime(options: Omit<RunRuntime, 'emit' | 'startedAt' | 'checkpoint' | 'journalOf' | 'journalChanged'> & { listener?: EngineEventListener; onCheckpoint?: (label: string) => void }): RunRuntime {
  const { listener, onCheckpoint, ...rest } = options;
  let byStep: Map<string, JournalEntry[]> | undefined;
  return {
    ...rest,
    startedAt: new Map(),
    journalOf: (stepId) => {
      if (!byStep) {
        byStep = new Map();
        for (const entry of options.store.journal.forRun(options.runId)) byStep.set(entry.stepId, [...(byStep.get(entry.stepId) ?? []), entry]);
      }
      return byStep.get(stepId) ?? [];
    },
    journalChanged: () => { byStep = undefined; },
    emit: (event) => listener?.({ ...event, ts: new Date().toISOString(), runId: options.runId } as EngineEvent),
    checkpoint: (label) => onCheckpoint?.(label),
  };
}

export function stepAt(rt: RunRuntime, index: number): StepDefinition {
  const step = rt.runbook.steps[index];
  if (!step) throw new Error(`bug: no step at index ${index} in ${rt.runbook.name}`);
  return step;
}
