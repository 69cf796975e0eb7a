// Events the engine emits while a run progresses. The reporters in ui/ (Ink, plain lines, NDJSON)
// are pure consumers of this stream; the engine never writes to the terminal itself.

import type { Target } from './procedure.js';
import type { Finding } from '../preflight/check.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'already-done' | 'skipped' | 'failed' | 'waiting';

export interface StepSummary {
  id: string;
  title: string;
  target: Target;
  manual: boolean;
  destructive: boolean;
  /** The operator may skip it after a failure (skip-policy.ts). */
  skippable: boolean;
}

export interface ErrorSummary {
  /** SQL Server error number, when the server answered with one. */
  number?: number;
  message: string;
  /** What the operator can do about it. */
  hint?: string;
  /** false: resuming this run cannot help (the hint says what to run instead), so no resume
   * command is offered. */
  resumable?: false;
  /** Resuming helps only after the cause is fixed (a login, a permission, a path, the config):
   * the resume command is offered as what to run once the hint is followed. */
  fixFirst?: true;
}

export type EngineEvent =
  /** What the preflight found, with the pair locked and before the run is opened: a ✗ refuses it. */
  | { type: 'preflight'; ts: string; runId: string; procedure: string; findings: Finding[] }
  | { type: 'run-started'; ts: string; runId: string; procedure: string; pair: string; operator: string; resumed: boolean; steps: StepSummary[] }
  | { type: 'step-started'; ts: string; runId: string; stepId: string; attempt: number; target: Target; server?: string }
  | { type: 'step-probed'; ts: string; runId: string; stepId: string; done: boolean; detail?: string }
  | { type: 'statement'; ts: string; runId: string; stepId: string; target: Target; server?: string; sql: string }
  /** What a read found a partner's mirroring role to be now (PRINCIPAL/MIRROR; null: not in a
   * session): after a failover or a promote the configured mirror is the principal. Emitted when it
   * changes, so the run view names each server by its current role. */
  | { type: 'role'; ts: string; runId: string; stepId: string; target: Target; server?: string; role: 'principal' | 'mirror' | null }
  | { type: 'progress'; ts: string; runId: string; stepId: string; percent?: number; label?: string }
  | { type: 'note'; ts: string; runId: string; stepId?: string; text: string }
  | { type: 'manual-required'; ts: string; runId: string; stepId: string; instructions: string }
  | { type: 'confirm-required'; ts: string; runId: string; stepId: string; expected: string; consequences: string }
  | {
      type: 'step-finished';
      ts: string;
      runId: string;
      stepId: string;
      status: Exclude<StepStatus, 'pending' | 'running' | 'waiting'>;
      ms: number /** ms counts from when an earlier, interrupted process began the step. */;
      acrossInterruption?: true;
      detail?: string;
      error?: ErrorSummary;
    }
  | {
      type: 'run-finished';
      ts: string;
      runId: string;
      status: 'done' | 'failed' | 'interrupted' | 'needs-operator' | 'aborted';
      exitCode: number;
      skipped?: string[];
      resumeCommand?: string;
      error?: ErrorSummary;
    };

export type EngineEventListener = (event: EngineEvent) => void;
