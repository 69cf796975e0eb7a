// What a run writes, grouped into as few durable commits (fsyncs) as the engine's semantics allow.
// Reads (probe and statement audit records, the verify result) and the step's outcome are staged
// in memory and committed with the next durable write they precede: an intent (before its apply
// starts), the step's final state, or anything that makes the run wait for a person or a timer.
// The latest checkpoint rides along in every commit. The journal is kept in memory too: while we
// hold the pair's lock nobody else writes this run's journal, so it is read from the store once.

import type { AuditInput, IntentInput, JournalEntry, OutcomeInput, StepStateInput, Store } from '../store/types.js';

type Staged =
  | { kind: 'audit'; record: AuditInput }
  | { kind: 'outcome'; entry: OutcomeInput; stepId: string }
  | { kind: 'step'; entry: StepStateInput };

export interface WriteBatch {
  /** Staged: committed with the next durable write. */
  audit(record: AuditInput): void;
  /** Staged: an outcome is committed with the step's verify result and final state. */
  outcome(entry: OutcomeInput): void;
  /** Staged: committed on the machine's next transition (see engine.ts). */
  step(entry: StepStateInput): void;
  /** Durable on return, with everything staged and the checkpoint: an apply may start. */
  intent(entry: IntentInput): number;
  /** Commits whatever is staged (and a newer checkpoint) in one transaction; nothing when clean. */
  commit(): void;
  /** Runs `also` in the same transaction as what is staged (the run's end). */
  commitWith(also: () => void): void;
  hasStaged(): boolean;
  /** The machine moved: its snapshot is the checkpoint of the next commit. */
  checkpointChanged(): void;
  journalOf(stepId: string): JournalEntry[];
}

export interface Checkpoint {
  /** The persisted snapshot to store. */
  snapshot(): unknown;
  /** Its name in boundary labels. */
  name(snapshot: unknown): string;
  definitionHash: string;
}

export function createWriteBatch(store: Store, runId: string, checkpoint: Checkpoint, boundary?: (label: string) => void): WriteBatch {
  let staged: Staged[] = [];
  let dirty = false;
  let byStep: Map<string, JournalEntry[]> | undefined;

  const journal = (): Map<string, JournalEntry[]> => {
    if (!byStep) {
      byStep = new Map();
      for (const entry of store.journal.forRun(runId)) {
        const list = byStep.get(entry.stepId);
        if (list) list.push(entry);
        else byStep.set(entry.stepId, [entry]);
      }
    }
    return byStep;
  };
  const entryById = (id: number): JournalEntry | undefined => {
    for (const entries of journal().values()) {
      const entry = entries.find((e) => e.id === id);
      if (entry) return entry;
    }
    return undefined;
  };

  /** Writes the staged entries and the checkpoint; returns the boundary labels, in order. */
  const writeStaged = (): string[] => {
    const labels: string[] = [];
    for (const item of staged) {
      if (item.kind === 'audit') store.audit.append(item.record);
      else if (item.kind === 'outcome') {
        store.journal.outcome(item.entry);
        labels.push(`outcome:${item.stepId}`);
      } else {
        store.journal.step(item.entry);
        labels.push(`step:${item.entry.stepId}:${item.entry.status}`);
      }
    }
    staged = [];
    return labels;
  };
  const writeCheckpoint = (labels: string[]): void => {
    if (!dirty) return;
    const snapshot = checkpoint.snapshot();
    store.snapshots.save(runId, snapshot, checkpoint.definitionHash);
    dirty = false;
    labels.push(`checkpoint:${checkpoint.name(snapshot)}`);
  };
  const transaction = (write: (labels: string[]) => void): void => {
    const pending = staged;
    const wasDirty = dirty;
    let labels: string[] = [];
    try {
      store.transaction(() => {
        labels = writeStaged();
        write(labels);
        writeCheckpoint(labels);
      });
    } catch (error) {
      staged = pending;
      dirty = wasDirty;
      throw error;
    }
    if (boundary) for (const label of labels) boundary(label);
  };

  return {
    audit: (record) => { staged.push({ kind: 'audit', record: { ...record, at: record.at ?? new Date().toISOString() } }); },
    outcome: (entry) => {
      const intent = entryById(entry.intentId);
      if (!intent) throw new Error(`bug: outcome for intent ${entry.intentId}, which this run's journal does not hold`);
      const at = entry.at ?? new Date().toISOString();
      intent.outcome = { status: entry.status, at, errorNumber: entry.error?.number ?? null, message: entry.error?.message ?? null };
      staged.push({ kind: 'outcome', entry: { ...entry, at }, stepId: intent.stepId });
    },
    step: (entry) => { staged.push({ kind: 'step', entry }); },
    intent: (entry) => {
      const entries = journal();
      let id = 0;
      transaction((labels) => {
        id = store.journal.intent(entry);
        labels.push(`intent:${entry.stepId}`);
      });
      const record: JournalEntry = { id, runId, stepId: entry.stepId, attempt: entry.attempt, action: entry.action, intentAt: new Date().toISOString(), outcome: null };
      const list = entries.get(entry.stepId);
      if (list) list.push(record);
      else entries.set(entry.stepId, [record]);
      return id;
    },
    commit: () => { if (staged.length || dirty) transaction(() => {}); },
    commitWith: (also) => transaction(() => also()),
    hasStaged: () => staged.length > 0,
    checkpointChanged: () => { dirty = true; },
    journalOf: (stepId) => journal().get(stepId) ?? [],
  };
}
