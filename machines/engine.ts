// Runs and resumes runbooks: takes the pair's lock, pins the definition, drives the step chart
// bound to the procedure (compile.ts), commits what its actors recorded as it moves (durability.ts)
// and ends the run with the status and exit code of the brief. The journal is the source of
// truth; a broken checkpoint is rebuilt from it.

import { createActor, type Snapshot } from 'xstate';
import { randomBytes } from 'node:crypto';
import type { RunRecord, RunStatus, Store } from '../store/types.js';
import { DISK_FULL_EXIT, isDiskFull, StoreError } from '../store/types.js';
import type { ErrorSummary, EngineEventListener } from './events.js';
import type { Operator } from './procedure.js';
import type { LoadedProcedure, ServerLock } from './procedure-source.js';
import type { SqlTarget, SqlTargets } from './sql-targets.js';
import { anchorRunEnd, anchorsMissing, targetsReachedBy, trackTargets, type AnchorWriter } from './run-anchor.js';
import { checkpointName, compileProcedure, PARKED, type ProcedureMachine } from './compile.js';
import { COMMITS, type Park } from './step-chart.js';
import { openRun, recordRunNote, recordStopped, reopenRun } from './durability.js';
import { createRuntime, type RunRuntime } from './run-runtime.js';
import { describeDefinitionChanges, hashDefinition, summarizeDefinition } from './definition-hash.js';
import { EngineRefusal, summarizeError } from './errors.js';
import { describeLockHolder } from './lock-holder.js';
import { paceOf, type Pace } from './pace.js';
import { EXIT_DONE_WITH_SKIPS, skippedSteps } from './skip-policy.js';
import type { Who } from '../store/who.js';

export { currentWho, type Who } from '../store/who.js';

export interface RunOptions {
  store: Store;
  procedure: LoadedProcedure;
  operator: Operator;
  who: Who;
  /** Aborted with 'SIGINT', 'SIGTERM' or 'SIGHUP' as its reason when the operator interrupts. */
  signal: AbortSignal;
  listener?: EngineEventListener;
  argv?: string[];
  /** How often waits poll and how long a read may take (default: an operator's, paceOf({})). */
  pace?: Pace;
  /** The exact command that continues this run, printed when it stops before the end. */
  resumeCommand(runId: string): string;
  /** A mirrorbook command line as the operator would type it, for hints (default `mirrorbook ARGS`). */
  commandFor?(args: string): string;
  /** Writes the run's anchor on a server it reached, at its end (machines/run-anchor.ts). */
  anchor?: AnchorWriter;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  exitCode: number;
  resumeCommand?: string;
  error?: ErrorSummary;
}

const plainCommand = (args: string): string => `mirrorbook ${args}`;

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

interface RunTargets {
  get(): SqlTargets;
  /** The connections, if the run opened them. */
  opened(): SqlTargets | undefined;
  answered(): SqlTarget[];
  /** Servers this process last saw fail without an answer. */
  failing(): SqlTarget[];
  close(): Promise<void>;
}

function lazyTargets(procedure: LoadedProcedure): RunTargets {
  let tracked: ReturnType<typeof trackTargets> | undefined;
  return {
    get: () => (tracked ??= trackTargets(procedure.targets())).targets,
    opened: () => tracked?.targets,
    answered: () => tracked?.answered() ?? [],
    failing: () => tracked?.failing() ?? [],
    close: async () => {
      await tracked?.targets.close();
    },
  };
}

function acquireLock(options: RunOptions, runId: string, pairKey: string, procedure: string): void {
  const result = options.store.locks.acquire({ pairKey, runId, procedure, owner: options.who.operator, host: options.who.host, pid: process.pid });
  if (!result.ok) {
    const { message, hint } = describeLockHolder(result.holder, result.stale, options.commandFor ?? plainCommand);
    throw new EngineRefusal(message, hint, 4);
  }
}

/** The first step the journal does not show as finished: where a run without a usable checkpoint continues. */
function positionFromJournal(store: Store, run: RunRecord, stepIds: string[]): number {
  const finished = new Map(store.journal.steps(run.id).map((s) => [s.stepId, s.status]));
  const index = stepIds.findIndex((id) => {
    const status = finished.get(id);
    return status !== 'done' && status !== 'already-done' && status !== 'skipped';
  });
  return index === -1 ? stepIds.length : index;
}

const EXIT: Record<Park['reason'], (signalName: string) => { status: RunStatus; exitCode: number }> = {
  interrupted: (signalName) => ({ status: 'interrupted', exitCode: signalName === 'SIGTERM' ? 143 : signalName === 'SIGHUP' ? 129 : 130 }),
  'needs-operator': () => ({ status: 'needs-operator', exitCode: 3 }),
  failed: () => ({ status: 'failed', exitCode: 1 }),
  aborted: () => ({ status: 'aborted', exitCode: 1 }),
};

interface Drive {
  rt: RunRuntime;
  /** The actor being driven: its persisted snapshot is the checkpoint. */
  live: { actor?: { getPersistedSnapshot(): unknown } };
  machine: ProcedureMachine;
  run: RunRecord;
  hash: string;
  options: RunOptions;
  targets: RunTargets;
}

/** Starts (or restores) the actor, commits what its transitions staged, resolves when it is done or parked. */
async function drive(d: Drive, begin: { snapshot?: Snapshot<unknown>; position?: number }): Promise<RunResult> {
  const { store } = d.options;
  let actor: ReturnType<typeof createActor<ProcedureMachine>>;
  try {
    actor = createActor(d.machine, begin.snapshot ? { snapshot: begin.snapshot } : {});
  } catch (error) {
    throw new BrokenCheckpoint(summarizeError(error).message);
  }
  d.live.actor = actor;
  if (begin.snapshot) d.rt.durability.restored(begin.snapshot);
  let failure: unknown;
  let settle: () => void = () => {};
  let armed = false;
  let checkpointed = begin.snapshot !== undefined;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
    actor.subscribe({
      next: (snapshot) => {
        // What is recorded rides in the commit of a state that commits itself (an intent, a step's
        // final state); otherwise it is committed as the machine moves (waits settle it durably).
        if (!checkpointed || !snapshot.hasTag(COMMITS)) {
          try {
            d.rt.durability.checkpoint({ always: !checkpointed });
            checkpointed = true;
          } catch (error) {
            failure = error;
            resolve();
            return;
          }
        }
        // A restored parked checkpoint is reported once on start, before RESUME is sent.
        if (snapshot.status === 'done' || (armed && snapshot.hasTag(PARKED))) resolve();
      },
      error: (error) => {
        failure = error;
        resolve();
      },
    });
  });
  const restoring = begin.snapshot !== undefined;
  if (restoring) {
    const restored = actor.getSnapshot();
    if (restored.status === 'error') throw new BrokenCheckpoint(summarizeError(restored.error).message);
  }
  try {
    actor.start();
  } catch (error) {
    if (!restoring) throw error;
    throw new BrokenCheckpoint(summarizeError(error).message);
  }
  const started = actor.getSnapshot();
  if (restoring && started.status === 'error') {
    actor.stop();
    throw new BrokenCheckpoint(summarizeError(started.error).message);
  }
  armed = true;
  if (started.status === 'done') settle();
  else if (begin.position !== undefined || started.value === 'idle') {
    actor.send({
      type: 'START',
      position:
        begin.position ??
        positionFromJournal(
          store,
          d.run,
          d.rt.definition.steps.map((s) => s.id),
        ),
    });
  } else if (started.hasTag(PARKED)) {
    actor.send({ type: 'RESUME' });
  }
  await settled;
  const final = actor.getSnapshot();
  // The run's last checkpoint is committed with its end: the snapshot before the actor stops.
  const last = actor.getPersistedSnapshot();
  d.live.actor = { getPersistedSnapshot: () => last };
  actor.stop();

  let outcome: { status: RunStatus; exitCode: number; error?: ErrorSummary };
  if (failure !== undefined || final.status === 'error') {
    const error = failure ?? final.error;
    // A full disk stops the run where it stands: interrupted, to be resumed once there is space.
    outcome = isDiskFull(error)
      ? { status: 'interrupted', exitCode: DISK_FULL_EXIT, error: summarizeError(error) }
      : { status: 'failed', exitCode: 1, error: summarizeError(error) };
  } else if (final.status === 'done') {
    outcome = { status: 'done', exitCode: skippedSteps(store, d.run.id).length > 0 ? EXIT_DONE_WITH_SKIPS : 0 };
  } else {
    const park = final.context.park ?? { reason: 'failed' as const };
    outcome = { ...EXIT[park.reason](String(d.options.signal.reason)), ...(park.error ? { error: park.error } : {}) };
  }
  try {
    return await finishRun(d, outcome);
  } finally {
    await d.targets.close();
  }
}

async function finishRun(d: Drive, outcome: { status: RunStatus; exitCode: number; error?: ErrorSummary }): Promise<RunResult> {
  const { store } = d.options;
  const error = outcome.error;
  if (error) {
    d.rt.durability.record({
      kind: 'note',
      runId: d.run.id,
      result: outcome.status,
      errorNumber: error.number ?? null,
      message: error.message,
      data: error.hint ? { hint: error.hint } : null,
    });
  }
  // One commit: what is still staged, the last checkpoint, the run-end record (the store writes
  // it with the status) and the lock's release.
  try {
    d.rt.durability.end(() => {
      store.runs.setStatus(d.run.id, outcome.status, outcome.exitCode);
      store.locks.release(d.run.pairKey, d.run.id);
    });
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    throw stoppedOnFullDisk(d, error);
  }
  // A server this process just saw fail is not waited for again: its anchor is left to the resume.
  const failing = new Set(d.targets.failing());
  const reached = [...new Set([...d.targets.answered(), ...targetsReachedBy(store, d.run.id)])];
  const answered = reached.filter((target) => !failing.has(target));
  const notWaitedFor = reached.filter((target) => failing.has(target));
  await anchorRunEnd({
    store,
    run: d.run,
    status: outcome.status,
    operator: d.options.who.operator,
    host: d.options.who.host,
    targets: reached.length ? d.targets.get() : undefined,
    answered,
    skipped: notWaitedFor,
    ...(d.options.anchor ? { write: d.options.anchor } : {}),
  });
  const resumeCommand = outcome.status === 'done' || outcome.error?.resumable === false ? undefined : d.options.resumeCommand(d.run.id);
  const skipped = skippedSteps(store, d.run.id);
  d.rt.emit({
    type: 'run-finished',
    status: outcome.status === 'running' ? 'failed' : outcome.status,
    exitCode: outcome.exitCode,
    ...(skipped.length ? { skipped } : {}),
    ...(resumeCommand ? { resumeCommand } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  });
  return {
    runId: d.run.id,
    status: outcome.status,
    exitCode: outcome.exitCode,
    ...(resumeCommand ? { resumeCommand } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
}

/** The run's end could not be committed for lack of space: the smallest write that says so (the
 * status and its run-end record) is tried alone; if even that fails the run stays `running`, which
 * `runs` shows as interrupted once this process is gone. Either way the operator gets the resume command. */
function stoppedOnFullDisk(d: Drive, error: StoreError): StoreError {
  recordStopped(d.options.store, d.run, DISK_FULL_EXIT);
  const resumeCommand = d.options.resumeCommand(d.run.id);
  d.rt.emit({ type: 'run-finished', status: 'interrupted', exitCode: DISK_FULL_EXIT, resumeCommand, error: summarizeError(error) });
  return new StoreError(
    'disk-full',
    `${error.message}; run ${d.run.id} stopped where it stands`,
    `free space on that file system, then continue the run: ${resumeCommand}`,
  );
}

export { stopRunNow } from './durability.js';

class BrokenCheckpoint extends Error {}

function prepare(options: RunOptions, run: RunRecord, hash: string, serverLock: ServerLock | undefined): Drive {
  const targets = lazyTargets(options.procedure);
  const live: Drive['live'] = {};
  const rt = createRuntime({
    snapshot: () => live.actor!.getPersistedSnapshot(),
    checkpointName: (snapshot) => checkpointName(snapshot as Parameters<typeof checkpointName>[0]),
    definitionHash: hash,
    runId: run.id,
    definition: options.procedure.definition,
    store: options.store,
    targets: targets.get,
    operator: options.operator,
    signal: options.signal,
    pace: options.pace ?? paceOf({}),
    ...(options.listener ? { listener: options.listener } : {}),
    ...(options.procedure.onCheckpoint ? { onCheckpoint: options.procedure.onCheckpoint } : {}),
    ...(serverLock?.ensure ? { holdPair: () => serverLock.ensure!() } : {}),
    ...(serverLock?.holdOn ? { holdOn: (role: 'principal' | 'mirror') => serverLock.holdOn!(role) } : {}),
  });
  return { rt, live, machine: compileProcedure(rt), run, hash, options, targets };
}

function announce(d: Drive, resumed: boolean): void {
  const summary = summarizeDefinition(d.rt.definition);
  d.rt.emit({
    type: 'run-started',
    procedure: d.run.procedure,
    pair: d.run.pairKey,
    operator: d.options.who.operator,
    resumed,
    steps: summary.steps.map((s) => ({
      id: s.id,
      title: s.title,
      target: s.target,
      manual: s.manual,
      destructive: s.destructive,
      skippable: s.skippable === true,
    })),
  });
}

export async function startRun(options: RunOptions): Promise<RunResult> {
  const { store, procedure, who } = options;
  const definition = summarizeDefinition(procedure.definition);
  const hash = hashDefinition(definition);
  const runId = newRunId();
  acquireLock(options, runId, procedure.pairKey, procedure.definition.name);
  return withServerLock(options, runId, procedure.definition.name, procedure.pairKey, async (serverLock) => {
    let run: RunRecord;
    try {
      await preflightUnderLock(options, runId);
      run = openRun(store, {
        id: runId,
        procedure: procedure.definition.name,
        pairKey: procedure.pairKey,
        definitionHash: hash,
        definition,
        operator: who.operator,
        osUser: who.osUser,
        host: who.host,
        pid: process.pid,
        argv: options.argv ?? process.argv.slice(2),
      });
    } catch (error) {
      store.locks.release(procedure.pairKey, runId);
      throw error;
    }
    const d = prepare(options, run, hash, serverLock);
    announce(d, false);
    return drive(d, { position: 0 });
  });
}

/** The preflight runs with the pair locked, so two runs racing for a pair cannot both pass it and
 * then both act; a ✗ refuses the run before it is opened, with nothing sent. */
async function preflightUnderLock(options: RunOptions, runId: string): Promise<void> {
  const findings = await options.procedure.preflight?.(true);
  if (!findings) return;
  const name = options.procedure.definition.name;
  options.listener?.({ type: 'preflight', ts: new Date().toISOString(), runId, procedure: name, findings });
  const failed = findings.filter((f) => f.verdict === 'fail');
  if (failed.length) {
    throw new EngineRefusal(
      `preflight: ${failed.length} check(s) failed (✗), nothing was changed`,
      `fix what the ✗ rows say ('mirrorbook check ${name}' shows them all), then run again`,
      1,
    );
  }
  if (options.signal.aborted) {
    const signalName = String(options.signal.reason);
    throw new EngineRefusal(
      `interrupted by ${signalName} during the preflight; nothing was changed`,
      `run 'mirrorbook run ${name}' again when ready`,
      EXIT.interrupted(signalName).exitCode,
    );
  }
}

/** The local lock is the fast first check; the pair's lock on the servers (procedure.lockPair)
 * holds across workstations and stores. Taken after the local one, released when the run ends. */
async function withServerLock<T>(
  options: RunOptions,
  runId: string,
  procedure: string,
  pairKey: string,
  body: (held: ServerLock | undefined) => Promise<T>,
): Promise<T> {
  let held: ServerLock | undefined;
  try {
    held = await options.procedure.lockPair?.({ owner: options.who.operator, host: options.who.host, pid: process.pid, runId, procedure });
  } catch (error) {
    options.store.locks.release(pairKey, runId);
    if ((error as Error).name === 'PairLocked') {
      throw new EngineRefusal(
        (error as Error).message,
        `wait for that run to finish: its lock ends with its process, so no unlock is needed after a crash; '${(options.commandFor ?? plainCommand)('status')}' shows who holds it`,
        4,
      );
    }
    throw error;
  }
  try {
    return await body(held);
  } finally {
    await held?.release();
  }
}

/** A finished run with no anchor of its end on a server it reached (its process was killed between
 * the run-end commit and the anchors, or the server did not take it then) is anchored there by the
 * next `resume` that finds it. */
export async function anchorMissedRunEnd(options: RunOptions, run: RunRecord): Promise<void> {
  const missing = anchorsMissing(options.store, run);
  if (missing.length === 0) return;
  const targets = options.procedure.targets();
  try {
    await anchorRunEnd({
      store: options.store,
      run,
      status: run.status,
      operator: run.operator,
      host: run.host,
      targets,
      answered: missing,
      ...(options.anchor ? { write: options.anchor } : {}),
      ...(run.endedAt ? { endedAt: run.endedAt } : {}),
    });
  } finally {
    await targets.close();
  }
}

/** The run `resume` continues: the given one, or the latest unfinished one. */
export function findRunToResume(store: Store, runId?: string, mb: (args: string) => string = plainCommand): RunRecord {
  // A failed or aborted run is resumable too: the operator fixes the cause and continues.
  const run = runId ? store.runs.get(runId) : store.runs.list({ limit: 1 })[0];
  if (!run) {
    throw runId
      ? new EngineRefusal(`no run '${runId}' in this store`, `list runs with '${mb('runs')}' (and check --store / --config)`, 2)
      : new EngineRefusal('no run to resume in this store', `check --store / --config; start one with '${mb('run <procedure>')}'`, 2);
  }
  if (run.status === 'done') throw new EngineRefusal(`run ${run.id} (${run.procedure}) already finished`, `see it with '${mb(`show ${run.id}`)}'`, 2);
  return run;
}

export async function resumeRun(options: RunOptions & { run: RunRecord }): Promise<RunResult> {
  const { store, procedure, run } = options;
  const definition = summarizeDefinition(procedure.definition);
  const hash = hashDefinition(definition);
  if (hash !== run.definitionHash) {
    const changes = describeDefinitionChanges(run.definition, definition);
    throw new EngineRefusal(
      `run ${run.id} cannot resume: procedure '${run.procedure}' changed since the run started:\n  - ${changes.join('\n  - ')}`,
      `finish it with the version it started with, or start a new run with '${(options.commandFor ?? plainCommand)(`run ${run.procedure}`)}' (its probes skip what is already done)`,
      2,
    );
  }
  // The process that last held the run (the lock is taken over from it), not the one that started it.
  const previous = store.locks.get(run.pairKey);
  const previousPid = previous?.runId === run.id ? previous.pid : run.pid;
  acquireLock(options, run.id, run.pairKey, run.procedure);
  return withServerLock(options, run.id, run.procedure, run.pairKey, async (serverLock) => {
    reopenRun(store, run, previousPid);
    const d = prepare(options, run, hash, serverLock);
    announce(d, true);

    const saved = store.snapshots.load(run.id);
    let problem: string | undefined;
    if (!saved) problem = 'no checkpoint was written';
    else if (saved.definitionHash !== hash) problem = 'the checkpoint belongs to another definition';
    else {
      try {
        return await drive(d, { snapshot: saved.snapshot as Snapshot<unknown> });
      } catch (error) {
        if (!(error instanceof BrokenCheckpoint)) throw error;
        problem = `the checkpoint cannot be restored (${summarizeError(error).message})`;
      }
    }
    const position = positionFromJournal(
      store,
      run,
      procedure.definition.steps.map((s) => s.id),
    );
    const text = `${problem}; position rebuilt from the journal: continuing at ${procedure.definition.steps[position]?.id ?? 'the end'}`;
    recordRunNote(store, run.id, text);
    d.rt.emit({ type: 'note', text });
    return drive(prepare(options, run, hash, serverLock), { position });
  });
}
