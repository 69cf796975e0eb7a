// The invoked actors of a compiled runbook, one per phase of a step. Each resolves to a Route the
// machine follows. XState re-runs an actor that was in flight when the checkpoint was taken, so
// each actor first asks the journal (the source of truth) what already happened: an apply whose
// intent has no outcome is probed before anything is sent again.

import { fromPromise } from 'xstate';
import type { AuditInput, JournalEntry } from '../store/types.js';
import type { ErrorSummary } from './events.js';
import type { ProbeResult, StepDefinition } from './runbook.js';
import { stepAt, type RunRuntime } from './run-runtime.js';
import { callStep, plannedSql, probeDetail } from './step-context.js';
import { Interrupted, NeedsOperator, summarizeError } from './errors.js';
import { failureChoices, maySkip, type FailureChoice } from './skip-policy.js';

export type ParkReason = 'interrupted' | 'needs-operator' | 'failed' | 'aborted';
export interface Park {
  reason: ParkReason;
  error?: ErrorSummary;
}

export type RouteTo = 'next' | 'probe' | 'confirm' | 'manual' | 'apply' | 'verify' | 'failed' | 'backoff' | 'park';
export interface Route {
  to: RouteTo;
  /** Highest journal id of this step when it was probed: later entries belong to this visit. */
  mark?: number;
  error?: ErrorSummary;
  retryable?: boolean;
  retryAt?: number;
  retries?: number;
  park?: Park;
}

export interface StepInput {
  index: number;
  mark: number;
  retries: number;
  retryAt: number | null;
  error: ErrorSummary | null;
  retryable: boolean;
}

/** Let the checkpoint of the transition that started this actor reach the disk before any effect. */
const afterCheckpoint = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function entriesOf(rt: RunRuntime, stepId: string): JournalEntry[] {
  return rt.writes.journalOf(stepId);
}

function lastAttempt(entries: JournalEntry[]): number {
  return entries.reduce((max, e) => Math.max(max, e.attempt), 0);
}

function markOf(entries: JournalEntry[]): number {
  return entries.reduce((max, e) => Math.max(max, e.id), 0);
}

function serverOf(rt: RunRuntime, step: StepDefinition): string | undefined {
  return step.target === 'operator' ? undefined : rt.targets().serverName(step.target);
}

/** When a step began: the first intent an earlier process wrote for it, else now. */
function beganAt(entries: readonly JournalEntry[]): { at: number; earlier: boolean } {
  const first = entries[0];
  return first ? { at: Date.parse(first.intentAt), earlier: true } : { at: Date.now(), earlier: false };
}

/** Stages a step's final state after `alongside` (an audit record of what decided it); both commit
 * on the machine's next transition, with the checkpoint of the next step. */
function finish(rt: RunRuntime, step: StepDefinition, attempt: number, status: 'done' | 'already-done' | 'skipped' | 'failed', detail?: string, error?: ErrorSummary, alongside?: AuditInput): void {
  if (alongside) rt.writes.audit(alongside);
  rt.writes.step({ runId: rt.runId, stepId: step.id, status, attempt, ...(detail ? { detail } : {}), ...(error ? { error: { ...(error.number !== undefined ? { number: error.number } : {}), message: error.message } } : {}) });
  // A step restored in the middle (its probe ran in an earlier process) began with that process's intent.
  const began = rt.startedAt.get(step.id) ?? beganAt(entriesOf(rt, step.id));
  rt.emit({ type: 'step-finished', stepId: step.id, status, ms: Date.now() - began.at, ...(began.earlier ? { acrossInterruption: true } : {}), ...(detail ? { detail } : {}), ...(error ? { error } : {}) });
}

/** Waits for a person or a timer: what is staged becomes durable first. */
async function ask<T>(rt: RunRuntime, question: () => Promise<T>): Promise<T> {
  rt.writes.commit();
  if (rt.signal.aborted) throw new Interrupted(String(rt.signal.reason));
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Interrupted(String(rt.signal.reason)));
    rt.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([question(), aborted]);
  } finally {
    rt.signal.removeEventListener('abort', onAbort!);
  }
}

const needsOperator = (error: NeedsOperator): Route => ({ to: 'park', park: { reason: 'needs-operator', error: { message: error.message, hint: error.hint } } });

async function probeStep(rt: RunRuntime, step: StepDefinition, attempt: number): Promise<{ done: boolean; detail: string }> {
  const result = await callStep(rt, step, attempt, 'probe', (ctx) => step.probe(ctx));
  const detail = probeDetail(result);
  rt.writes.audit({ kind: 'probe', runId: rt.runId, stepId: step.id, attempt, target: step.target, server: serverOf(rt, step) ?? null, result: result.done ? 'done' : 'not-done', message: detail });
  rt.emit({ type: 'step-probed', stepId: step.id, done: result.done, detail });
  return { done: result.done, detail };
}

/** An intent without an outcome (the process died during the apply): probe, and record what the
 * probe says as its outcome. Returns whether the effect is already in place. */
async function reconcileInDoubt(rt: RunRuntime, step: StepDefinition, entry: JournalEntry): Promise<boolean> {
  const { done, detail } = await probeStep(rt, step, entry.attempt);
  const server = serverOf(rt, step);
  rt.writes.outcome({
    intentId: entry.id,
    status: done ? 'already-done' : 'aborted',
    audit: {
      target: step.target,
      ...(server ? { server } : {}),
      message: done
        ? `already done: the interrupted attempt ${entry.attempt} took effect (${detail}); not applied again`
        : `the interrupted attempt ${entry.attempt} did not take effect (${detail})`,
    },
  });
  return done;
}

async function confirmDestructive(rt: RunRuntime, step: StepDefinition): Promise<Route | undefined> {
  const destructive = step.destructive!;
  rt.emit({ type: 'confirm-required', stepId: step.id, expected: destructive.confirmText, consequences: destructive.consequences });
  try {
    const confirmed = await ask(rt, () => rt.operator.confirmDestructive(step));
    rt.writes.audit({ kind: 'confirmation', runId: rt.runId, stepId: step.id, target: step.target, result: confirmed ? 'confirmed' : 'refused', message: `destructive step: ${destructive.consequences}` });
    return confirmed ? undefined : { to: 'park', park: { reason: 'aborted', error: { message: `the operator did not confirm '${step.title}'` } } };
  } catch (error) {
    if (error instanceof NeedsOperator) return needsOperator(error);
    throw error;
  }
}

export function stepActors(rt: RunRuntime) {
  return {
    probe: fromPromise<Route, StepInput>(async ({ input }) => {
      await afterCheckpoint();
      const step = stepAt(rt, input.index);
      const entries = entriesOf(rt, step.id);
      // A step an earlier process began (and was interrupted in) lasts from then, not from this probe.
      if (!rt.startedAt.has(step.id)) rt.startedAt.set(step.id, beganAt(entries));
      const attempt = lastAttempt(entries) + 1;
      const server = serverOf(rt, step);
      rt.emit({ type: 'step-started', stepId: step.id, attempt, target: step.target, ...(server ? { server } : {}) });
      const inDoubt = entries.filter((e) => e.outcome === null);
      let done: boolean;
      let detail: string;
      if (inDoubt.length) {
        for (const entry of inDoubt) done = await reconcileInDoubt(rt, step, entry);
        ({ done, detail } = { done: done!, detail: 'probed after an interrupted attempt' });
      } else {
        try {
          ({ done, detail } = await probeStep(rt, step, Math.max(1, attempt - 1)));
        } catch (error) {
          if (error instanceof Interrupted) throw error;
          return { to: 'failed', error: summarizeError(error), retryable: step.retry?.retryable?.(error) ?? true };
        }
      }
      if (done) {
        finish(rt, step, Math.max(1, attempt - 1), 'already-done', detail);
        return { to: 'next' };
      }
      const mark = markOf(entriesOf(rt, step.id));
      if (step.manual) return { to: 'manual', mark };
      if (step.destructive) return { to: 'confirm', mark };
      return { to: 'apply', mark };
    }),

    confirmDestructive: fromPromise<Route, StepInput>(async ({ input }) => {
      await afterCheckpoint();
      const step = stepAt(rt, input.index);
      return (await confirmDestructive(rt, step)) ?? { to: 'apply' };
    }),

    manualWait: fromPromise<Route, StepInput>(async ({ input }) => {
      await afterCheckpoint();
      const step = stepAt(rt, input.index);
      const entries = entriesOf(rt, step.id);
      for (const stale of entries.filter((e) => e.outcome === null)) {
        rt.writes.outcome({ intentId: stale.id, status: 'aborted', audit: { target: 'operator', message: 'the operator was asked again after an interruption' } });
      }
      const intentId = rt.writes.intent({ runId: rt.runId, stepId: step.id, attempt: lastAttempt(entries) + 1, action: 'manual', audit: { target: 'operator', message: step.manual!.instructions } });
      rt.emit({ type: 'manual-required', stepId: step.id, instructions: step.manual!.instructions });
      try {
        const confirmed = await ask(rt, () => rt.operator.confirmManual(step));
        rt.writes.outcome({ intentId, status: confirmed ? 'ok' : 'aborted', audit: { target: 'operator', message: confirmed ? 'the operator reported the manual step done' : 'the operator stopped the run at a manual step' } });
        return confirmed ? { to: 'verify' } : { to: 'park', park: { reason: 'aborted', error: { message: `the operator stopped at '${step.title}'` } } };
      } catch (error) {
        rt.writes.outcome({ intentId, status: 'aborted', audit: { target: 'operator', message: error instanceof Error ? error.message : String(error) } });
        if (error instanceof NeedsOperator) return needsOperator(error);
        throw error;
      }
    }),

    apply: fromPromise<Route, StepInput>(async ({ input }) => {
      await afterCheckpoint();
      const step = stepAt(rt, input.index);
      const visit = entriesOf(rt, step.id).filter((e) => e.id > input.mark);
      const latest = visit[visit.length - 1];
      if (latest?.outcome === null) {
        if (await reconcileInDoubt(rt, step, latest)) return { to: 'verify' };
        if (step.destructive) {
          const refused = await confirmDestructive(rt, step);
          if (refused) return refused;
        }
      } else if (latest && (latest.outcome?.status === 'ok' || latest.outcome?.status === 'already-done')) {
        return { to: 'verify' };
      } else if (latest) {
        // The previous process recorded a failed or aborted apply and died before acting on it.
        const { done } = await probeStep(rt, step, latest.attempt);
        if (done) return { to: 'verify' };
      }
      const attempt = lastAttempt(entriesOf(rt, step.id)) + 1;
      const server = serverOf(rt, step);
      const sql = plannedSql(step);
      const intentId = rt.writes.intent({
        runId: rt.runId, stepId: step.id, attempt, action: 'apply',
        audit: { target: step.target, ...(server ? { server } : {}), ...(sql ? { sql } : {}), message: step.title },
      });
      try {
        await callStep(rt, step, attempt, 'apply', (ctx) => step.apply(ctx));
      } catch (error) {
        const summary = summarizeError(error);
        const interrupted = error instanceof Interrupted;
        rt.writes.outcome({
          intentId,
          status: interrupted ? 'aborted' : 'error',
          error: { ...(summary.number !== undefined ? { number: summary.number } : {}), message: summary.message },
          audit: { target: step.target, ...(server ? { server } : {}) },
        });
        if (interrupted) throw error;
        return { to: 'failed', error: summary, retryable: step.retry?.retryable?.(error) ?? true };
      }
      rt.writes.outcome({ intentId, status: 'ok', audit: { target: step.target, ...(server ? { server } : {}) } });
      return { to: 'verify' };
    }),

    verify: fromPromise<Route, StepInput>(async ({ input }) => {
      await afterCheckpoint();
      const step = stepAt(rt, input.index);
      const attempt = Math.max(1, lastAttempt(entriesOf(rt, step.id)));
      let result: ProbeResult;
      try {
        result = await callStep(rt, step, attempt, 'verify', (ctx) => step.verify(ctx));
      } catch (error) {
        if (error instanceof Interrupted) throw error;
        return { to: 'failed', error: summarizeError(error), retryable: step.retry?.retryable?.(error) ?? true };
      }
      const detail = probeDetail(result);
      const record: AuditInput = { kind: 'probe', runId: rt.runId, stepId: step.id, attempt, target: step.target, server: serverOf(rt, step) ?? null, result: result.done ? 'verified' : 'not-verified', message: detail, data: { phase: 'verify' } };
      if (result.done) {
        finish(rt, step, attempt, 'done', detail, undefined, record);
        return { to: 'next' };
      }
      rt.writes.audit(record);
      return { to: 'failed', error: { message: `'${step.title}' did not take effect: ${detail}` }, retryable: true };
    }),

    decideFailure: fromPromise<Route, StepInput>(async ({ input }) => {
      await afterCheckpoint();
      const step = stepAt(rt, input.index);
      const error = input.error ?? { message: 'unknown failure' };
      const policy = step.retry;
      if (policy && input.retryable && input.retries + 1 < policy.attempts) {
        const delay = policy.backoffMs * (policy.factor ?? 2) ** input.retries;
        rt.emit({ type: 'note', stepId: step.id, text: `${error.message} — retry ${input.retries + 1} of ${policy.attempts - 1} in ${(delay / 1000).toFixed(1)} s` });
        return { to: 'backoff', retryAt: Date.now() + delay, retries: input.retries + 1 };
      }
      const attempt = Math.max(1, lastAttempt(entriesOf(rt, step.id)));
      finish(rt, step, attempt, 'failed', undefined, error);
      const choices = failureChoices(step);
      for (;;) {
        let choice: FailureChoice;
        let reason: string | undefined;
        try {
          choice = await ask(rt, () => rt.operator.onFailure(step, { ...error, name: 'StepFailed' } as Error, choices));
          if (choice === 'skip' && maySkip(step)) reason = await ask(rt, () => rt.operator.confirmSkip(step));
        } catch (e) {
          if (e instanceof NeedsOperator) return { to: 'park', park: { reason: 'failed', error } };
          throw e;
        }
        if (choice === 'skip' && !maySkip(step)) {
          rt.writes.audit({ kind: 'confirmation', runId: rt.runId, stepId: step.id, target: step.target, result: 'skip-refused', message: `'${step.title}' guards the pair and cannot be skipped: retry or stop` });
          return { to: 'park', park: { reason: 'failed', error: { ...error, hint: `'${step.title}' guards the pair and cannot be skipped; fix the cause and resume${error.hint ? `. ${error.hint}` : ''}` } } };
        }
        if (choice === 'skip' && reason === undefined) continue;
        rt.writes.audit({ kind: 'confirmation', runId: rt.runId, stepId: step.id, target: step.target, result: choice, message: `after failure: ${error.message}`, ...(reason !== undefined ? { data: { reason } } : {}) });
        if (choice === 'retry') return { to: 'probe', retries: 0 };
        if (choice === 'skip') {
          finish(rt, step, attempt, 'skipped', `skipped by ${rt.operator.name} after a failure: ${reason}`);
          return { to: 'next' };
        }
        return { to: 'park', park: { reason: 'failed', error } };
      }
    }),

    backoffWait: fromPromise<Route, StepInput>(async ({ input }) => {
      await afterCheckpoint();
      const wait = Math.max(0, (input.retryAt ?? 0) - Date.now());
      await ask(rt, () => new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        rt.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }));
      return { to: 'probe' };
    }),
  };
}
