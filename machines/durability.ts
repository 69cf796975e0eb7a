// The journal rule, in one place: an attempt's intent is durable before its effect starts, its
// outcome is recorded after it ends, and an intent left without an outcome (the process died
// during the effect) is reconciled by probing. This module is the only writer of a run's intents,
// outcomes, step states, checkpoints and audit records; the actors (step-actors.ts) call its verbs.
//
// Commits, fewest fsyncs the rule allows: what a step records (probes, statements, its outcome,
// its final state) is staged in memory and committed on the machine's next transition without an
// fsync; WAL keeps commit order, so it becomes durable with the next synchronous commit — the next
// intent, a wait for a person or a timer (settle), or the run's end. A crash loses at most the
// records after the last intent, which is what reconciliation handles. The latest checkpoint
// rides in every commit. The journal is read from the store once: while we hold the pair's lock
// nobody else writes this run's journal.

import type { AuditInput, IntentInput, JournalEntry, OutcomeInput, RunInput, RunRecord, StepStateInput, Store } from '../store/types.js';

export interface Checkpoint {
  /** The machine's persisted snapshot now. */
  snapshot(): unknown;
  /** Its name in boundary labels. */
  name(snapshot: unknown): string;
  definitionHash: string;
}

/** What an attempt's outcome says, decided from how its effect ended. */
export type OutcomeOf<T> = (ended: { value: T } | { error: unknown }) => Omit<OutcomeInput, 'intentId'>;

export interface Durability {
  /** This run's journal entries of a step, oldest first. */
  attempts(stepId: string): JournalEntry[];
  /** An audit record (probe, statement, note, confirmation): staged. */
  record(audit: AuditInput): void;
  /** Commits the intent (with everything staged and the checkpoint) durably, then — only then —
   * runs the effect, then stages its outcome. Rethrows what the effect threw. */
  attempt<T>(intent: IntentInput, effect: () => Promise<T>, outcome: OutcomeOf<T>): Promise<T>;
  /** Closes an attempt found in doubt with what a probe says about it: staged. */
  reconcile(entry: JournalEntry, outcome: Omit<OutcomeInput, 'intentId'>): void;
  /** A step's final state for this attempt: staged. */
  finishStep(state: StepStateInput): void;
  /** The machine was restored from this checkpoint: it is what the store holds. */
  restored(snapshot: unknown): void;
  /** The machine moved: commits what is staged (or, `always`, the checkpoint alone) without an fsync. */
  checkpoint(options?: { always?: boolean }): void;
  /** Everything recorded so far is durable on return: before a wait for a person or a timer, and
   * before a statement that no intent names is sent. */
  settle(): void;
  /** The run's end: what is staged, the last checkpoint and `also` in one durable commit; then the
   * run is let go of (the WAL checkpointed into the main file). */
  end(also: () => void): void;
}

export function createDurability(store: Store, runId: string, checkpoint: Checkpoint, boundary?: (label: string) => void): Durability {
  type Staged = { audit: AuditInput } | { outcome: OutcomeInput; stepId: string } | { step: StepStateInput };
  let staged: Staged[] = [];
  let savedCheckpoint: string | undefined;
  let savedName: string | undefined;
  let unsynced = false;
  let byStep: Map<string, JournalEntry[]> | undefined;
  const byId = new Map<number, JournalEntry>();

  const journal = (): Map<string, JournalEntry[]> => {
    if (!byStep) {
      byStep = new Map();
      for (const entry of store.journal.forRun(runId)) remember(entry);
    }
    return byStep;
  };
  const remember = (entry: JournalEntry): void => {
    const list = byStep!.get(entry.stepId);
    if (list) list.push(entry);
    else byStep!.set(entry.stepId, [entry]);
    byId.set(entry.id, entry);
  };

  /** Writes what is staged, `also` and a changed checkpoint in one transaction; reports the
   * boundary labels once it is committed. */
  const commit = (sync: boolean, also?: (labels: string[]) => void, final = false): void => {
    const snapshot = checkpoint.snapshot();
    const json = JSON.stringify(snapshot);
    // The run's end does not rewrite a checkpoint that names the same place (only the actors'
    // bookkeeping changed as the machine stopped).
    const changed = json !== savedCheckpoint && !(final && checkpoint.name(snapshot) === savedName);
    if (!staged.length && !changed && !also && (!sync || !unsynced)) return;
    // Saved when it changed, and in a synchronous commit with nothing else to write: that write
    // is what carries the fsync making the earlier commits durable.
    const save = changed || (!staged.length && !also);
    const labels: string[] = [];
    store.transaction(
      () => {
        for (const item of staged) {
          if ('audit' in item) store.audit.append(item.audit);
          else if ('outcome' in item) {
            store.journal.outcome(item.outcome);
            labels.push(`outcome:${item.stepId}`);
          } else {
            store.journal.step(item.step);
            labels.push(`step:${item.step.stepId}:${item.step.status}`);
          }
        }
        also?.(labels);
        if (save) {
          store.snapshots.save(runId, snapshot, checkpoint.definitionHash);
          labels.push(`checkpoint:${checkpoint.name(snapshot)}`);
        }
      },
      { sync },
    );
    staged = [];
    if (save) {
      savedCheckpoint = json;
      savedName = checkpoint.name(snapshot);
    }
    unsynced = !sync;
    if (boundary) for (const label of labels) boundary(label);
  };

  return {
    attempts: (stepId) => journal().get(stepId) ?? [],
    record: (audit) => {
      staged.push({ audit: { ...audit, at: audit.at ?? new Date().toISOString() } });
    },
    async attempt<T>(intent: IntentInput, effect: () => Promise<T>, outcome: OutcomeOf<T>): Promise<T> {
      journal();
      let id = 0;
      commit(true, (labels) => {
        id = store.journal.intent(intent);
        labels.push(`intent:${intent.stepId}`);
      });
      remember({ id, runId, stepId: intent.stepId, attempt: intent.attempt, action: intent.action, intentAt: new Date().toISOString(), outcome: null });
      let ended: { value: T } | { error: unknown };
      try {
        ended = { value: await effect() };
      } catch (error) {
        ended = { error };
      }
      stageOutcome(id, outcome(ended));
      if ('error' in ended) throw ended.error;
      return ended.value;
    },
    reconcile: (entry, outcome) => stageOutcome(entry.id, outcome),
    finishStep: (state) => {
      staged.push({ step: state });
    },
    restored: (snapshot) => {
      savedCheckpoint = JSON.stringify(snapshot);
      savedName = checkpoint.name(snapshot);
    },
    checkpoint: (options) => {
      if (staged.length || options?.always) commit(false);
    },
    settle: () => commit(true),
    end: (also) => {
      commit(true, () => also(), true);
      store.wal.settleRun(runId);
    },
  };

  function stageOutcome(intentId: number, outcome: Omit<OutcomeInput, 'intentId'>): void {
    const entry = byId.get(intentId);
    if (!entry) throw new Error(`bug: outcome for intent ${intentId}, which this run's journal does not hold`);
    const at = outcome.at ?? new Date().toISOString();
    entry.outcome = { status: outcome.status, at, errorNumber: outcome.error?.number ?? null, message: outcome.error?.message ?? null };
    staged.push({ outcome: { ...outcome, intentId, at }, stepId: entry.stepId });
  }
}

/** A new run: its record and run-start audit record, durable on return, and the store's note
 * that this process holds the run (store/wal-guard.ts). */
export function openRun(store: Store, run: RunInput): RunRecord {
  const record = store.runs.create(run);
  store.wal.holdRun(run.id);
  return record;
}

/** A resumed run: back to running, and — after a process that died mid-run (its status still says
 * running) — the record that says so, naming that process; otherwise the store writes the resume
 * record with the status change. */
export function reopenRun(store: Store, run: RunRecord, previousPid: number): void {
  store.transaction(() => {
    store.runs.setStatus(run.id, 'running');
    if (run.status === 'running') {
      store.audit.append({
        kind: 'resume',
        runId: run.id,
        result: 'running',
        message: `the previous process (pid ${previousPid}) ended without finishing the run`,
        data: { from: 'running' },
      });
    }
  });
  store.wal.holdRun(run.id);
}

/** A note outside any step (the checkpoint could not be used), durable on return. */
export function recordRunNote(store: Store, runId: string, message: string): void {
  store.audit.append({ kind: 'note', runId, message });
}

/** The run's end could not be committed (a full disk): the smallest write that says so — the status
 * and its run-end record, the lock's release — tried alone; if even that fails, nothing more can be
 * recorded now. */
export function recordStopped(store: Store, run: RunRecord, exitCode: number): void {
  try {
    store.runs.setStatus(run.id, 'interrupted', exitCode);
    store.locks.release(run.pairKey, run.id);
  } catch {
    // Still full: the run stays `running`, which `runs` shows as interrupted once this process is gone.
  }
}

/** A process that must exit now (a second Ctrl-C during the shutdown): the run, if still running,
 * is recorded interrupted with `exitCode`, its lock released and the WAL settled — so the store
 * never says `running` for a run nobody runs. Returns whether the run was stopped here. */
export function stopRunNow(store: Store, runId: string, exitCode: number): boolean {
  const run = store.runs.get(runId);
  if (!run || run.status !== 'running') return false;
  store.runs.setStatus(runId, 'interrupted', exitCode);
  store.locks.release(run.pairKey, runId);
  store.wal.settleRun(runId);
  return true;
}

/** Audit records written after the run's end (its anchors on the servers), then checkpointed into
 * the main file with the rest of the run. */
export function recordAfterEnd(store: Store, records: AuditInput[]): void {
  store.transaction(() => {
    for (const record of records) store.audit.append(record);
  });
  store.wal.checkpoint();
}
