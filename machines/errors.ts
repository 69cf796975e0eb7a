// Expected, operator-facing outcomes of the engine, kept apart from bugs: each carries a hint and
// the exit code of the brief.

import { OperatorError } from '../errors/operator-error.js';
import type { ErrorSummary } from './events.js';

/** The engine will not start or resume this run (unknown run, changed definition, locked pair). */
export class EngineRefusal extends OperatorError {
  override readonly name = 'EngineRefusal';
  declare readonly hint: string;
  constructor(message: string, hint: string, exitCode: number) {
    super(message, hint, exitCode);
  }
}

/** The operator's answer is needed and nobody can give it (no terminal, no --yes / --confirm). */
export class NeedsOperator extends OperatorError {
  override readonly name = 'NeedsOperator';
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super(message, hint, 3);
  }
}

export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly signalName: string) {
    super(`interrupted by ${signalName}`);
  }
}

export type StepPhase = 'probe' | 'apply' | 'verify';

export class StepTimedOut extends OperatorError {
  override readonly name = 'StepTimedOut';
  declare readonly hint: string;
  constructor(stepId: string, ms: number, phase: StepPhase) {
    super(
      phase === 'apply' ? `step '${stepId}' did not finish within ${ms} ms` : `the ${phase} of step '${stepId}' got no answer within ${ms} ms`,
      phase === 'apply'
        ? 'the statement was cancelled; check on the server what it was waiting for (sys.dm_exec_requests), then resume: the step probes before doing anything again'
        : 'the server is not answering read-only queries: check that it is up, not blocked (sys.dm_exec_requests.blocking_session_id) and reachable, then resume',
      1,
    );
  }
}

/** Any thrown value → what an operator sees; SQL Server errors keep their number. */
export function summarizeError(error: unknown): ErrorSummary {
  if (error && typeof error === 'object') {
    const e = error as { number?: unknown; message?: unknown; hint?: unknown; resumable?: unknown; fixFirst?: unknown };
    const summary: ErrorSummary = { message: typeof e.message === 'string' ? e.message : String(error) };
    if (typeof e.number === 'number') summary.number = e.number;
    if (typeof e.hint === 'string') summary.hint = e.hint;
    if (e.resumable === false) summary.resumable = false;
    if (e.fixFirst === true) summary.fixFirst = true;
    return summary;
  }
  return { message: String(error) };
}
