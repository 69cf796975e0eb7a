// The store's public contract: runs, the step journal, checkpoints, the audit trail and pair locks,
// all in one SQLite file (WAL, synchronous=FULL). Every call is synchronous and durable on return,
// except a transaction that asks for no fsync.
// The engine (machines/) and the CLI build on these interfaces; store/open.ts implements them.

import { OperatorError } from '../errors/operator-error.js';

/** Where a step acts: a server of the pair by its role, or the operator (a manual step). */
export type Target = 'principal' | 'mirror' | 'witness' | 'operator';

export type RunStatus = 'running' | 'done' | 'failed' | 'interrupted' | 'needs-operator' | 'aborted';

/** One step as the run saw it when it started: enough to say what changed in a newer definition. */
export interface DefinitionStepSummary {
  id: string;
  title: string;
  target: Target;
  manual: boolean;
  destructive: boolean;
  /** The planned T-SQL, already masked, per server. */
  statements: { target: Exclude<Target, 'operator'>; sql: string }[];
}

export interface DefinitionSummary {
  name: string;
  title: string;
  steps: DefinitionStepSummary[];
}

export interface RunInput {
  id: string;
  procedure: string;
  pairKey: string;
  definitionHash: string;
  definition: DefinitionSummary;
  operator: string;
  osUser: string;
  host: string;
  pid: number;
  argv: string[];
}

/** A run: one execution of a procedure against one pair, resumable until it is done. */
export interface RunRecord extends RunInput {
  status: RunStatus;
  exitCode: number | null;
  /** ISO timestamps with milliseconds. */
  startedAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export type IntentAction = 'apply' | 'manual';
export type OutcomeStatus = 'ok' | 'error' | 'aborted' | 'already-done';
export type StepFinalStatus = 'done' | 'already-done' | 'skipped' | 'failed';

/** Who and where, for the audit record written together with a journal entry. */
export interface AuditContext {
  target?: Target;
  server?: string;
  /** Masked T-SQL only; strings carrying a secret marker are refused. */
  sql?: string;
  operator?: string;
  message?: string;
  data?: unknown;
}

export interface IntentInput {
  runId: string;
  stepId: string;
  attempt: number;
  action: IntentAction;
  audit?: AuditContext;
}

export interface OutcomeInput {
  intentId: number;
  /** When the apply ended (default: now), for an outcome committed a little later. */
  at?: string;
  status: OutcomeStatus;
  error?: { number?: number; message: string };
  audit?: AuditContext;
}

export interface StepStateInput {
  runId: string;
  stepId: string;
  status: StepFinalStatus;
  attempt: number;
  /** What the probe saw or why it was skipped, in an operator's words. */
  detail?: string;
  error?: { number?: number; message: string };
}

export interface StepState extends StepStateInput {
  at: string;
}

/** The journal (the source of truth for resume): one attempt's intent and, once it ended, its outcome. */
export interface JournalEntry {
  /** The intent id (monotonic across the store). */
  id: number;
  runId: string;
  stepId: string;
  attempt: number;
  action: IntentAction;
  intentAt: string;
  /** null while the intent is in doubt (no outcome recorded). */
  outcome: { status: OutcomeStatus; at: string; errorNumber: number | null; message: string | null } | null;
}

export type AuditKind =
  | 'run-start'
  | 'run-end'
  | 'probe'
  | 'intent'
  | 'outcome'
  | 'statement'
  | 'confirmation'
  | 'note'
  | 'unlock'
  | 'resume'
  | 'step'
  | 'anchor';

export interface AuditInput {
  kind: AuditKind;
  /** null only for records outside a run (forced unlock). */
  runId?: string | null;
  /** Defaults: the run's operator, os.userInfo().username, os.hostname(), this process's pid. */
  operator?: string;
  osUser?: string;
  host?: string;
  pid?: number;
  target?: Target | null;
  server?: string | null;
  stepId?: string | null;
  attempt?: number | null;
  sql?: string | null;
  result?: string | null;
  errorNumber?: number | null;
  message?: string | null;
  data?: unknown;
  /** When it happened (ISO with milliseconds; default: now), for a record committed a little later. */
  at?: string;
}

/** An audit record: one append-only, hash-chained entry — who ran what T-SQL where, and the result. */
export interface AuditRecord {
  seq: number;
  ts: string;
  runId: string | null;
  kind: AuditKind;
  operator: string;
  osUser: string;
  host: string;
  target: Target | null;
  server: string | null;
  stepId: string | null;
  attempt: number | null;
  sql: string | null;
  result: string | null;
  errorNumber: number | null;
  message: string | null;
  /** Parsed JSON, or null. */
  data: unknown;
  prevHash: string;
  hash: string;
  /** The process that wrote it (with `host`); null for records written before schema 9. */
  pid: number | null;
}

export type AuditProblem = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'unsigned';

/** The chain head: the last record the store wrote, as an auditor pins it. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export type AuditVerification =
  | { ok: true; count: number; head: AuditHead }
  | { ok: false; count: number; head: AuditHead; firstBad: { seq: number; problem: AuditProblem; detail: string } };

/** Something beyond the chain's own links that does not hold: a table row the chain does not
 * back, a WAL that went missing, SQLite's integrity check, an anchor on a server. */
export interface Finding {
  problem: 'untied' | 'wal-lost' | 'corrupt' | 'schema' | 'anchor' | 'expected-head';
  /** The run it concerns, when there is one. */
  runId?: string;
  detail: string;
}

/** A run's record on a server it touched (steps/run-anchor.ts): what the store must still hold. */
export interface RunAnchor {
  /** The instance it was read from or written to. */
  server: string;
  runId: string;
  procedure: string;
  operator: string;
  startedAt: string;
  endedAt: string | null;
  outcome: string;
  headSeq: number;
  headHash: string;
  storeHost: string;
  /** The id of the store that wrote it (store_identity); null on an anchor written before stores had one. */
  storeId: string | null;
  writtenAt: string;
}

/** What `audit verify` establishes from the store alone. */
export interface StoreProof {
  chain: AuditVerification;
  findings: Finding[];
  /** Facts that do not break the proof but an auditor should know (legacy rows not tied). */
  notes: string[];
  /** How the work beside the caller went (the chain walked in two parts, a worker that gave no
   * answer): diagnostics, not evidence, so only `audit verify --json` carries them, no report. */
  trace: string[];
}

export type ExportFormat = 'ndjson' | 'csv' | 'md';

export interface LockInput {
  pairKey: string;
  runId: string;
  procedure: string;
  owner: string;
  host: string;
  pid: number;
}

export interface LockInfo extends LockInput {
  acquiredAt: string;
}

export type LockResult = { ok: true } | { ok: false; holder: LockInfo; stale: boolean };

export interface Store {
  readonly path: string;
  /** The random id the store was given when it was created (store_identity); every run anchor carries it. */
  readonly id: string | null;
  readonly readonly: boolean;
  close(): void;
  /** What this connection runs with, for diagnostics (`mirrorbook status`) and tests. */
  info(): StoreInfo;
  /** Nested calls join the outer transaction (savepoints). With `sync: false` the commit is not
   * fsynced: it survives the process dying, and becomes durable (power loss) with the next
   * synchronous commit, WAL keeping commit order. */
  transaction<T>(fn: () => T, options?: { sync?: boolean }): T;

  runs: {
    /** Also appends the run-start audit record, in the same transaction. Status starts 'running'. */
    create(run: RunInput): RunRecord;
    get(id: string): RunRecord | undefined;
    latest(filter?: { pairKey?: string; unfinished?: boolean }): RunRecord | undefined;
    /** Newest first. */
    list(options?: { limit?: number }): RunRecord[];
    /** Audited in the same transaction: any status but 'running' appends 'run-end' and sets
     * endedAt; going back to 'running' (a resume) appends 'resume' and clears endedAt. */
    setStatus(id: string, status: RunStatus, exitCode?: number): void;
  };

  journal: {
    /** Durable on return; the intent audit record is written in the same transaction. */
    intent(e: IntentInput): number;
    /** Closes an intent (once) and writes its 'outcome' audit record in the same transaction. */
    outcome(e: OutcomeInput): void;
    /** A step's final state for this attempt (not audited: probes, notes and outcomes are). */
    step(e: StepStateInput): void;
    /** Latest final state per step, in the order the steps first finished. */
    steps(runId: string): StepState[];
    forRun(runId: string): JournalEntry[];
    /** Intents without an outcome. */
    inDoubt(runId: string): JournalEntry[];
  };

  snapshots: {
    save(runId: string, snapshot: unknown, definitionHash: string): void;
    load(runId: string): { snapshot: unknown; definitionHash: string; savedAt: string } | undefined;
  };

  audit: {
    append(r: AuditInput): AuditRecord;
    /** One pass over the whole chain in seq order; names the first broken record. */
    verify(): AuditVerification;
    /** The last record written (seq 0 and the genesis hash when there is none). */
    head(): AuditHead;
    /** The chain, every table the reports use tied to it, SQLite's integrity check and the WAL
     * bookkeeping: what `audit verify` proves without a server. */
    prove(): StoreProof;
    /** Streams chunks to `write`; returns the number of records written. */
    export(format: ExportFormat, options: { runId?: string }, write: (chunk: string) => void): number;
    forRun(runId: string): AuditRecord[];
  };

  /** The WAL and the main file (store/wal-guard.ts): run start, resume and run end call these. */
  wal: {
    /** This process takes the run: noted in the main file (the WAL checkpointed into it). */
    holdRun(runId: string): void;
    /** The run is let go (ended or stopped): the note removed, the WAL checkpointed into the main file. */
    settleRun(runId: string): void;
    checkpoint(): void;
  };

  locks: {
    /** Also succeeds when `l.runId` already holds the lock from this process, or from a dead
     * process on this host (a resume after kill -9: taken back with an audited note). */
    acquire(l: LockInput): LockResult;
    release(pairKey: string, runId: string): void;
    get(pairKey: string): (LockInfo & { stale: boolean }) | undefined;
    /** Removes the lock whoever holds it and audits an 'unlock' record; returns what was removed. */
    forceUnlock(pairKey: string, by: { operator: string; osUser: string; host: string; reason?: string }): LockInfo | undefined;
  };

  /** The Mirroring Monitor's history, raised alarms and facts it carries between polls and restarts. */
  monitor: {
    addSamples(rows: MonitorSampleRow[]): void;
    /** Oldest first; rows for a server (database null) are kept with a `database` filter. */
    samples(filter: { pair: string; since?: string; database?: string }): MonitorSampleRow[];
    /** Deletes samples older than `before` (ISO); returns how many. */
    prune(pair: string, before: string): number;
    alarms(pair: string): MonitorAlarmRecord[];
    saveAlarm(pair: string, alarm: MonitorAlarmRecord): void;
    deleteAlarm(pair: string, key: string): void;
    fact(pair: string, name: string): unknown;
    setFact(pair: string, name: string, value: unknown): void;
  };
}

/** One server (database null) or one database on one server at one poll. */
export interface MonitorSampleRow {
  pair: string;
  at: string;
  instance: string;
  database: string | null;
  reachable: boolean;
  answerMs: number | null;
  role: string | null;
  mirroringState: string | null;
  witnessState: string | null;
  unsentLogKb: number | null;
  unrestoredLogKb: number | null;
  sendRateKbps: number | null;
  restoreRateKbps: number | null;
  logGenerationRateKbps: number | null;
  oldestUnsentMinutes: number | null;
  commitOverheadMs: number | null;
  catchUpSeconds: number | null;
}

/** A raised alarm as the monitor keeps it (opaque to the store beyond key, severity and time). */
export interface MonitorAlarmRecord {
  key: string;
  severity: string;
  raisedAt: string;
  [field: string]: unknown;
}

export interface StoreInfo {
  schemaVersion: number;
  journalMode: string;
  /** SQLite's number: 2 = FULL. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
  /** The store's page size (fixed when it was made) and how many pages of WAL a checkpoint waits for. */
  pageSize: number;
  walAutocheckpoint: number;
}

export interface OpenOptions {
  /** Read-only opens go through a private view (store/private-view.ts): nothing beside the store
   * is created or written, no migration runs. */
  readonly?: boolean;
  /** audit.key: records are HMAC-SHA-256 with it; verify needs it to check them. */
  auditKey?: Buffer;
  /** How long to wait for another process's write transaction before failing 'locked' (default 5000). */
  busyTimeoutMs?: number;
}

export type StoreErrorCode =
  | 'corrupt'
  | 'not-a-database'
  | 'locked'
  | 'read-only'
  | 'needs-migration'
  | 'disk-full'
  | 'too-new'
  | 'cannot-open'
  | 'secret-refused'
  | 'unknown-run'
  | 'unknown-intent'
  | 'audit-key-missing';

/** The exit code of a full disk: not bad usage — the same command works once there is space. */
export const DISK_FULL_EXIT = 6;

/** An expected, operator-facing store failure: a message and a hint, never a stack; exit 2 (6 for a
 * full disk). */
export class StoreError extends OperatorError {
  override readonly name = 'StoreError';
  declare readonly hint: string;
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    hint: string,
  ) {
    super(message, hint, code === 'disk-full' ? DISK_FULL_EXIT : 2);
  }
}

export function isDiskFull(error: unknown): error is StoreError {
  return error instanceof StoreError && error.code === 'disk-full';
}
