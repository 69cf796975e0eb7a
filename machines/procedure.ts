// The core types of mirrorbook's engine, and its glossary (the TSDoc of each type says the rest).
// Procedures (runbooks/) are data built from steps (steps/); the engine (machines/) runs each step
// through the step chart (step-chart.ts), journal-first (durability.ts).
//
// Glossary
//   procedure   — what an operator runs by name ("setup", "failover"); its definition in code is a
//                 ProcedureDefinition; the definitions live in runbooks/ (the project layout's name
//                 for "the procedures as data": the folder is the only place the word remains).
//   step        — one idempotent operation: a read-only probe ("is it already true?"), an apply
//                 (the side effect) and a verify (the post-condition).
//   run         — one execution of a procedure against one pair, identified by a run id; resumable.
//   attempt     — one try of one step inside a run (retries and resumes add attempts).
//   checkpoint  — the step chart's persisted snapshot, saved with the commits; a cache of the journal.
//   intent / outcome — a journal entry written before an attempt's effect / after it ends; an
//                 intent without an outcome is in doubt and is reconciled by probing.
//   journal     — the durable intent / outcome records per attempt: the source of truth.
//   audit record— one append-only, hash-chained entry: who ran what T-SQL where, and the result.
//   pair        — the mirroring partners (and optional witness) a run acts on; one run per pair.
//   lab         — the simulated SQL Server instances (lab/) the demo and the tests run against.

import type { Secret } from '../config/secret.js';
import type { Target } from '../store/types.js';

export type { Target };

/** A T-SQL statement whose text may contain secrets: `masked` is safe to show, store and audit;
 * `reveal()` is called only by the connection that sends it. Built by steps/tsql.ts. */
export interface Tsql {
  readonly masked: string;
  reveal(): string;
  /** The text for a SQLCMD script, each secret as the variable `nameOf` names (steps/tsql.ts). */
  scripted?(nameOf: ScriptVariableOf): string;
}

/** How a SQLCMD script names a secret: `$(MasterKeyPassword)`, never its value. */
export type ScriptVariableOf = (secret: Secret) => string;

export interface QueryResult {
  recordsets: Record<string, unknown>[][];
  rowsAffected: number[];
}

/** An error SQL Server answered with (number, class, state, line) — expected, operator-facing. */
export interface SqlErrorInfo {
  number: number;
  class?: number;
  state?: number;
  lineNumber?: number;
  message: string;
  server?: string;
}

export interface ProbeResult {
  /** True when the step's effect is already in place: apply is skipped and recorded as done. */
  done: boolean;
  /** What the probe saw, in words an operator understands ("endpoint STARTED on port 1430"). */
  detail?: string;
}

export interface StepContext {
  runId: string;
  stepId: string;
  attempt: number;
  /** Aborted on Ctrl-C / SIGTERM or the step's timeout; pass it on to every wait. */
  signal: AbortSignal;
  /** How long a wait pauses between polls (the run's pace, machines/pace.ts). */
  pollMs: number;
  /** Runs T-SQL on a server of the pair; the engine audits it (masked) with its result. */
  sql(target: Exclude<Target, 'operator'>, statement: Tsql): Promise<QueryResult>;
  /** Progress for long operations (backup, restore, synchronisation). */
  progress(update: { percent?: number; label?: string }): void;
  /** A note for the audit trail and the operator ("restored 3 log backups taken by someone else"). */
  note(text: string): void;
  /** What a read found `target`'s mirroring role to be now (sys.database_mirroring), for the run view. */
  sawRole?(target: Exclude<Target, 'operator'>, role: string | null): void;
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  backoffMs: number;
  /** Multiplier per retry (default 2). */
  factor?: number;
  /** Retry only errors for which this returns true (default: any error). */
  retryable?: (error: unknown) => boolean;
}

export interface PlannedStatement {
  target: Exclude<Target, 'operator'>;
  tsql: Tsql;
}

/** A step: one idempotent operation — a read-only probe ("is it already true?"), an apply (the
 * side effect, started only once its intent is durable) and a verify (the post-condition). */
export interface StepDefinition {
  /** Stable id; part of the definition hash, so renaming one refuses older runs. */
  id: string;
  title: string;
  target: Target;
  /** The configured database the step acts on; absent: a server or the pair as a whole. `plan`
   * matches a preflight finding about a database to the steps of that database. */
  database?: string;
  /** A manual step shows the operator what to do, waits for a key, then probes to verify. */
  manual?: { instructions: string };
  /** A destructive step is never applied (nor re-applied when in doubt) without the operator
   * typing `confirmText` (a database or partner name). With `assess`, what is asked is worked out
   * (read-only) just before the question — e.g. the amount of data it discards; null: nothing is
   * at stake, the step goes on unasked. `confirmText` then describes the shape for `plan`. */
  destructive?: {
    confirmText: string;
    consequences: string;
    assess?(ctx: StepContext): Promise<{ confirmText: string; consequences: string } | null>;
  };
  /** Whether the operator may skip this step after it fails, and why that is harmless. Absent:
   * never. Checks that guard the pair, steps later ones rely on and destructive steps leave it out;
   * the engine refuses a skip of any other step whatever the renderer answers (skip-policy.ts). */
  skippable?: { why: string };
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** What a waiting step waits for and how long it goes on, as `plan` shows it. A setting, not the
   * change: left out of the definition hash. */
  waits?: string;
  probe(ctx: StepContext): Promise<ProbeResult>;
  apply(ctx: StepContext): Promise<void>;
  verify(ctx: StepContext): Promise<ProbeResult>;
  /** What apply would send, for `mirrorbook plan` (secrets masked). */
  plan(): PlannedStatement[];
  /** How a SQLCMD script (`plan --format sqlcmd`) does this step where plan() holds what only a
   * run knows (bytes read from the peer, the log backups msdb lists, a wait): the statements the
   * script sends, and what the DBA does by hand where no script can. Absent: plan(). */
  script?(): ScriptedStep;
}

export interface ScriptedStep {
  statements: PlannedStatement[];
  /** How the script does it differently from a run, and why (a comment in the script). */
  note?: string;
  /** A step no script can do: what the DBA does instead (a comment in the script). */
  byHand?: string;
}

/** A procedure's definition: its steps in order. A run pins its hash; a resume refuses another. */
export interface ProcedureDefinition {
  /** Procedure name as typed on the command line ("certificate-setup"). */
  name: string;
  title: string;
  steps: StepDefinition[];
}

/** What the engine asks of a person. Implemented by the TUI, by --yes / --confirm, or by tests. */
export interface Operator {
  name: string;
  /** Resolves true when the operator says the manual step is done; false aborts the run. */
  confirmManual(step: StepDefinition): Promise<boolean>;
  /** Resolves true only when the operator typed exactly `step.destructive.confirmText`. */
  confirmDestructive(step: StepDefinition, consequences?: string): Promise<boolean>;
  /** After a failed step: what to do next ('skip' only offered when the step allows it). */
  onFailure(step: StepDefinition, error: SqlErrorInfo | Error, choices: ('retry' | 'skip' | 'abort')[]): Promise<'retry' | 'skip' | 'abort'>;
  /** After 'skip': the operator's reason once they typed the step's id to confirm; undefined
   * when they did not (the failure question is asked again). */
  confirmSkip(step: StepDefinition): Promise<string | undefined>;
}
