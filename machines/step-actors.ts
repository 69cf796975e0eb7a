// The invoked actors of the step chart (step-chart.ts), one per state that does work. Each does
// the step's work, records it through the run's durability (durability.ts) and returns a fact;
// the chart's guards decide where the run goes. XState re-runs an actor that was in flight when
// the checkpoint was taken, so each one first asks the journal (the source of truth) what already
// happened: an apply whose intent has no outcome is probed before anything is sent again.

import { fromPromise } from 'xstate';
import type { JournalEntry, StepFinalStatus } from '../store/types.js';
import type { ErrorSummary } from './events.js';
import type { StepDefinition } from './procedure.js';
import type { AnswerFact, ApplyFact, ChoiceFact, Failure, ProbeFact, StepInput, VerifyFact } from './step-chart.js';
import { stepAt, type RunRuntime } from './run-runtime.js';
import { callStep, plannedSql, probeDetail } from './step-context.js';
import { Interrupted, NeedsOperator, summarizeError } from './errors.js';
import { failureChoices, maySkip, type FailureChoice } from './skip-policy.js';

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

/** Records a step's final state and tells the listener. */
function finish(rt: RunRuntime, step: StepDefinition, attempt: number, status: StepFinalStatus, detail?: string, error?: ErrorSummary): void {
  rt.durability.finishStep({
    runId: rt.runId,
    stepId: step.id,
    status,
    attempt,
    ...(detail ? { detail } : {}),
    ...(error ? { error: { ...(error.number !== undefined ? { number: error.number } : {}), message: error.message } } : {}),
  });
  // A step restored in the middle (its probe ran in an earlier process) began with that process's intent.
  const began = rt.startedAt.get(step.id) ?? beganAt(rt.durability.attempts(step.id));
  rt.emit({
    type: 'step-finished',
    stepId: step.id,
    status,
    ms: Date.now() - began.at,
    ...(began.earlier ? { acrossInterruption: true } : {}),
    ...(detail ? { detail } : {}),
    ...(error ? { error } : {}),
  });
}

/** Waits for a person or a timer: what is recorded becomes durable first. */
async function ask<T>(rt: RunRuntime, question: () => Promise<T>): Promise<T> {
  rt.durability.settle();
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

const needsOperator = (error: NeedsOperator): AnswerFact => ({
  kind: 'stop',
  park: { reason: 'needs-operator', error: { message: error.message, hint: error.hint } },
});

function failure(step: StepDefinition, error: unknown): Failure {
  if (error instanceof Interrupted) throw error;
  return { kind: 'failure', error: summarizeError(error), retryable: step.retry?.retryable?.(error) ?? true };
}

async function probeStep(rt: RunRuntime, step: StepDefinition, attempt: number): Promise<{ done: boolean; detail: string }> {
  const result = await callStep(rt, step, attempt, 'probe', (ctx) => step.probe(ctx));
  const detail = probeDetail(result);
  rt.durability.record({
    kind: 'probe',
    runId: rt.runId,
    stepId: step.id,
    attempt,
    target: step.target,
    server: serverOf(rt, step) ?? null,
    result: result.done ? 'done' : 'not-done',
    message: detail,
  });
  rt.emit({ type: 'step-probed', stepId: step.id, done: result.done, detail });
  return { done: result.done, detail };
}

/** An intent without an outcome (the process died during the apply): probe, and record what the
 * probe says as its outcome. Returns whether the effect is already in place. */
async function reconcile(rt: RunRuntime, step: StepDefinition, entry: JournalEntry): Promise<boolean> {
  const { done, detail } = await probeStep(rt, step, entry.attempt);
  const server = serverOf(rt, step);
  rt.durability.reconcile(entry, {
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

/** No change goes out unless the pair's lock is still this run's: a lock whose connection dropped
 * is taken again (and that is recorded); when it cannot be, the step fails before it sends anything. */
async function holdPair(rt: RunRuntime, step: StepDefinition): Promise<void> {
  const retaken = (await rt.holdPair?.()) ?? [];
  if (!retaken.length) return;
  const text = `the pair's lock was taken again on ${retaken.join(', ')}: its connection had dropped`;
  rt.durability.record({ kind: 'note', runId: rt.runId, stepId: step.id, message: text });
  rt.emit({ type: 'note', stepId: step.id, text });
}

export function stepActors(rt: RunRuntime) {
  return {
    probe: fromPromise<ProbeFact, StepInput>(async ({ input }) => {
      const step = stepAt(rt, input.index);
      const entries = rt.durability.attempts(step.id);
      // A step an earlier process began (and was interrupted in) lasts from then, not from this probe.
      if (!rt.startedAt.has(step.id)) rt.startedAt.set(step.id, beganAt(entries));
      const attempt = lastAttempt(entries) + 1;
      const server = serverOf(rt, step);
      rt.emit({ type: 'step-started', stepId: step.id, attempt, target: step.target, ...(server ? { server } : {}) });
      const inDoubt = entries.filter((e) => e.outcome === null);
      let done = false;
      let detail = 'probed after an interrupted attempt';
      if (inDoubt.length) {
        for (const entry of inDoubt) done = await reconcile(rt, step, entry);
      } else {
        try {
          ({ done, detail } = await probeStep(rt, step, Math.max(1, attempt - 1)));
        } catch (error) {
          return failure(step, error);
        }
      }
      if (done) {
        finish(rt, step, Math.max(1, attempt - 1), 'already-done', detail);
        return { kind: 'finished' };
      }
      if (inDoubt.length === 0 && detail) rt.found.set(step.id, detail);
      else rt.found.delete(step.id);
      return { kind: 'not-done', mark: markOf(rt.durability.attempts(step.id)) };
    }),

    confirmDestructive: fromPromise<AnswerFact, StepInput>(async ({ input }) => {
      const defined = stepAt(rt, input.index);
      const assessed = defined.destructive!.assess
        ? await callStep(rt, defined, lastAttempt(rt.durability.attempts(defined.id)) + 1, 'probe', (ctx) => defined.destructive!.assess!(ctx))
        : defined.destructive!;
      if (assessed === null) {
        rt.durability.record({
          kind: 'confirmation',
          runId: rt.runId,
          stepId: defined.id,
          target: defined.target,
          result: 'confirmed',
          message: 'nothing at stake when assessed: not asked',
        });
        return { kind: 'confirmed' };
      }
      // The operator is asked about what is at stake now, not the step's general description.
      const step: StepDefinition = { ...defined, destructive: { ...defined.destructive!, ...assessed } };
      const destructive = step.destructive!;
      // What the probe found is what will be overwritten or dropped: the operator confirms that, not a category.
      const found = rt.found.get(step.id);
      const consequences = found ? `${destructive.consequences}. Found now: ${found}` : destructive.consequences;
      rt.emit({ type: 'confirm-required', stepId: step.id, expected: destructive.confirmText, consequences });
      try {
        const confirmed = await ask(rt, () => rt.operator.confirmDestructive(step, consequences));
        rt.durability.record({
          kind: 'confirmation',
          runId: rt.runId,
          stepId: step.id,
          target: step.target,
          result: confirmed ? 'confirmed' : 'refused',
          message: `destructive step: ${destructive.consequences}`,
        });
        return confirmed
          ? { kind: 'confirmed' }
          : { kind: 'stop', park: { reason: 'aborted', error: { message: `the operator did not confirm '${step.title}'` } } };
      } catch (error) {
        if (error instanceof NeedsOperator) return needsOperator(error);
        throw error;
      }
    }),

    manualWait: fromPromise<AnswerFact, StepInput>(async ({ input }) => {
      const step = stepAt(rt, input.index);
      const entries = rt.durability.attempts(step.id);
      for (const stale of entries.filter((e) => e.outcome === null)) {
        rt.durability.reconcile(stale, { status: 'aborted', audit: { target: 'operator', message: 'the operator was asked again after an interruption' } });
      }
      const intent = {
        runId: rt.runId,
        stepId: step.id,
        attempt: lastAttempt(entries) + 1,
        action: 'manual' as const,
        audit: { target: 'operator' as const, message: step.manual!.instructions },
      };
      try {
        const confirmed = await rt.durability.attempt(
          intent,
          () => {
            rt.emit({ type: 'manual-required', stepId: step.id, instructions: step.manual!.instructions });
            return ask(rt, () => rt.operator.confirmManual(step));
          },
          (ended) =>
            'value' in ended
              ? {
                  status: ended.value ? 'ok' : 'aborted',
                  audit: {
                    target: 'operator',
                    message: ended.value ? 'the operator reported the manual step done' : 'the operator stopped the run at a manual step',
                  },
                }
              : { status: 'aborted', audit: { target: 'operator', message: ended.error instanceof Error ? ended.error.message : String(ended.error) } },
        );
        return confirmed ? { kind: 'confirmed' } : { kind: 'stop', park: { reason: 'aborted', error: { message: `the operator stopped at '${step.title}'` } } };
      } catch (error) {
        if (error instanceof NeedsOperator) return needsOperator(error);
        throw error;
      }
    }),

    apply: fromPromise<ApplyFact, StepInput>(async ({ input }) => {
      const step = stepAt(rt, input.index);
      const visit = rt.durability.attempts(step.id).filter((e) => e.id > input.mark);
      const latest = visit[visit.length - 1];
      if (latest?.outcome === null) {
        if (await reconcile(rt, step, latest)) return { kind: 'in-place' };
        // Not in place: a destructive step is confirmed again before it is sent again.
        if (step.destructive) return { kind: 'unconfirmed', mark: latest.id };
      } else if (latest && (latest.outcome?.status === 'ok' || latest.outcome?.status === 'already-done')) {
        return { kind: 'in-place' };
      } else if (latest) {
        // The previous process recorded a failed or aborted apply and died before acting on it.
        const { done } = await probeStep(rt, step, latest.attempt);
        if (done) return { kind: 'in-place' };
      }
      try {
        await holdPair(rt, step);
      } catch (error) {
        return failure(step, error);
      }
      const attempt = lastAttempt(rt.durability.attempts(step.id)) + 1;
      const server = serverOf(rt, step);
      const sql = plannedSql(step);
      const where = { target: step.target, ...(server ? { server } : {}) };
      try {
        await rt.durability.attempt(
          { runId: rt.runId, stepId: step.id, attempt, action: 'apply', audit: { ...where, ...(sql ? { sql } : {}), message: step.title } },
          () => callStep(rt, step, attempt, 'apply', (ctx) => step.apply(ctx)),
          (ended) => {
            if ('value' in ended) return { status: 'ok', audit: where };
            const summary = summarizeError(ended.error);
            return {
              status: ended.error instanceof Interrupted ? 'aborted' : 'error',
              error: { ...(summary.number !== undefined ? { number: summary.number } : {}), message: summary.message },
              audit: where,
            };
          },
        );
      } catch (error) {
        return failure(step, error);
      }
      return { kind: 'applied' };
    }),

    verify: fromPromise<VerifyFact, StepInput>(async ({ input }) => {
      const step = stepAt(rt, input.index);
      const attempt = Math.max(1, lastAttempt(rt.durability.attempts(step.id)));
      let result;
      try {
        result = await callStep(rt, step, attempt, 'verify', (ctx) => step.verify(ctx));
      } catch (error) {
        return failure(step, error);
      }
      const detail = probeDetail(result);
      rt.durability.record({
        kind: 'probe',
        runId: rt.runId,
        stepId: step.id,
        attempt,
        target: step.target,
        server: serverOf(rt, step) ?? null,
        result: result.done ? 'verified' : 'not-verified',
        message: detail,
        data: { phase: 'verify' },
      });
      if (!result.done) return { kind: 'failure', error: { message: `'${step.title}' did not take effect: ${detail}` }, retryable: true };
      finish(rt, step, attempt, 'done', detail);
      return { kind: 'finished' };
    }),

    askOperator: fromPromise<ChoiceFact, StepInput>(async ({ input }) => {
      const step = stepAt(rt, input.index);
      const error = input.error ?? { message: 'unknown failure' };
      const attempt = Math.max(1, lastAttempt(rt.durability.attempts(step.id)));
      finish(rt, step, attempt, 'failed', undefined, error);
      const choices = failureChoices(step);
      for (;;) {
        let choice: FailureChoice;
        let reason: string | undefined;
        try {
          choice = await ask(rt, () => rt.operator.onFailure(step, { ...error, name: 'StepFailed' } as Error, choices));
          if (choice === 'skip' && maySkip(step)) reason = await ask(rt, () => rt.operator.confirmSkip(step));
        } catch (e) {
          if (e instanceof NeedsOperator) return { kind: 'stop', park: { reason: 'failed', error } };
          throw e;
        }
        if (choice === 'skip' && !maySkip(step)) {
          rt.durability.record({
            kind: 'confirmation',
            runId: rt.runId,
            stepId: step.id,
            target: step.target,
            result: 'skip-refused',
            message: `'${step.title}' guards the pair and cannot be skipped: retry or stop`,
          });
          return {
            kind: 'stop',
            park: {
              reason: 'failed',
              error: {
                ...error,
                hint: `'${step.title}' guards the pair and cannot be skipped; fix the cause and resume${error.hint ? `. ${error.hint}` : ''}`,
              },
            },
          };
        }
        if (choice === 'skip' && reason === undefined) continue;
        rt.durability.record({
          kind: 'confirmation',
          runId: rt.runId,
          stepId: step.id,
          target: step.target,
          result: choice,
          message: `after failure: ${error.message}`,
          ...(reason !== undefined ? { data: { reason } } : {}),
        });
        if (choice === 'retry') return { kind: 'retry' };
        if (choice === 'skip') {
          finish(rt, step, attempt, 'skipped', `skipped by ${rt.operator.name} after a failure: ${reason}`);
          return { kind: 'finished' };
        }
        return { kind: 'stop', park: { reason: 'failed', error } };
      }
    }),

    backoffWait: fromPromise<void, StepInput>(async ({ input }) => {
      const wait = Math.max(0, (input.retryAt ?? 0) - Date.now());
      await ask(
        rt,
        () =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            rt.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
          }),
      );
    }),
  };
}
