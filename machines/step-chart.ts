// The statechart of a run: one static, typed machine. A `step` state runs the step at
// context.position: probe → (manual | confirm) → apply → verify → the next step, with failing →
// backoff → probe for retries, failed (the operator decides) and parked (interrupted, failed,
// needs an operator), which a resume leaves with RESUME. Actors (step-actors.ts) do the work and
// return facts; the guards here decide where the run goes. The actors and the guards that read
// the procedure are provided per run (compile.ts); retry deadlines are timestamps in the context,
// not `after` delays, so a checkpoint restores.

import { assign, fromPromise, setup, type DoneActorEvent } from 'xstate';
import type { ErrorSummary } from './events.js';
import { Interrupted, summarizeError } from './errors.js';

export type ParkReason = 'interrupted' | 'needs-operator' | 'failed' | 'aborted';
export interface Park {
  reason: ParkReason;
  error?: ErrorSummary;
}

export interface RunContext {
  position: number;
  /** Highest journal id of this step when it was probed: later entries belong to this visit. */
  mark: number;
  retries: number;
  retryAt: number | null;
  error: ErrorSummary | null;
  retryable: boolean;
  park: Park | null;
}

export type RunEvent = { type: 'START'; position: number } | { type: 'RESUME' };

/** What every actor gets: where the run is. */
export interface StepInput {
  index: number;
  mark: number;
  retries: number;
  retryAt: number | null;
  error: ErrorSummary | null;
  retryable: boolean;
}

/** A probe, apply or verify that failed: the error and whether the step's retry policy may retry it. */
export interface Failure {
  kind: 'failure';
  error: ErrorSummary;
  retryable: boolean;
}
/** The operator (or the lack of one) stopped the run here. */
export interface Stop {
  kind: 'stop';
  park: Park;
}
/** The step is finished (already done, verified or skipped): the run goes on. */
export interface Finished {
  kind: 'finished';
}

export type ProbeFact = Finished | { kind: 'not-done'; mark: number } | Failure;
export type AnswerFact = { kind: 'confirmed' } | Stop;
export type ApplyFact = { kind: 'applied' } | { kind: 'in-place' } | { kind: 'unconfirmed'; mark: number } | Failure;
export type VerifyFact = Finished | Failure;
export type ChoiceFact = { kind: 'retry' } | Finished | Stop;

/** Waiting states: what is recorded becomes durable on entering them (a person or a timer may take long). */
export const WAITS = 'waits';
/** States whose own commit carries what is recorded on entering them (an intent; a step's final state). */
export const COMMITS = 'commits';
export const PARKED = 'parked';

const unprovided = <T>(name: string) =>
  fromPromise<T, StepInput>(async () => {
    throw new Error(`bug: actor ${name} is provided per run`);
  });
const unprovidedGuard = (): boolean => {
  throw new Error('bug: procedure guards are provided per run');
};

type Done<T> = { event: DoneActorEvent<T> };
/** A guard on the kind of fact an actor returned, named after it (the chart's diagram shows it). */
function is<K extends string>(kind: K) {
  const guard = <T extends { kind: string }>({ event }: Done<T>): boolean => event.output.kind === kind;
  return Object.defineProperty(guard, 'name', { value: kind });
}
const finished = is('finished');
const notDone = is('not-done');
const failure = is('failure');
const stop = is('stop');
const confirmed = is('confirmed');
const inPlace = is('in-place');
const unconfirmed = is('unconfirmed');
const retry = is('retry');
const applied = is('applied');

export const stepChart = setup({
  types: {} as { context: RunContext; events: RunEvent },
  actors: {
    probe: unprovided<ProbeFact>('probe'),
    confirmDestructive: unprovided<AnswerFact>('confirmDestructive'),
    manualWait: unprovided<AnswerFact>('manualWait'),
    apply: unprovided<ApplyFact>('apply'),
    verify: unprovided<VerifyFact>('verify'),
    askOperator: unprovided<ChoiceFact>('askOperator'),
    backoffWait: unprovided<void>('backoffWait'),
  },
  guards: {
    /** The procedure has a step after context.position. */
    hasNextStep: unprovidedGuard,
    /** START's position is inside the procedure. */
    startsInside: unprovidedGuard,
    stepIsManual: unprovidedGuard,
    stepIsDestructive: unprovidedGuard,
    /** The failed step's policy allows another try for this error. */
    retryAllowed: unprovidedGuard,
  },
  actions: {
    enterNextStep: assign(({ context }) => ({ position: context.position + 1, mark: 0, retries: 0, retryAt: null, error: null, retryable: false, park: null })),
    /** Delay per the policy; provided per run (it reads the step's policy and says so). */
    scheduleRetry: () => {
      throw new Error('bug: scheduleRetry is provided per run');
    },
  },
}).createMachine({
  id: 'procedure',
  initial: 'idle',
  context: { position: 0, mark: 0, retries: 0, retryAt: null, error: null, retryable: false, park: null },
  states: {
    idle: {
      on: {
        START: [
          { guard: 'startsInside', target: 'step', actions: assign({ position: ({ event }) => event.position }) },
          { target: 'done', actions: assign({ position: ({ event }) => event.position }) },
        ],
      },
    },
    step: {
      initial: 'probe',
      states: {
        probe: {
          invoke: {
            src: 'probe',
            input: ({ context }) => inputOf(context),
            onDone: [
              { guard: finished, target: 'next' },
              { guard: notDone, target: 'acting', actions: assign({ mark: ({ event }) => (event.output.kind === 'not-done' ? event.output.mark : 0) }) },
              { guard: failure, target: 'failing', actions: assign(({ event }) => failureOf(event.output)) },
            ],
            onError: { target: 'parked', actions: assign(({ event }) => ({ park: parkOf(event.error) })) },
          },
        },
        /** Not done: how this step acts. */
        acting: {
          always: [{ guard: 'stepIsManual', target: 'manual' }, { guard: 'stepIsDestructive', target: 'confirm' }, { target: 'apply' }],
        },
        confirm: {
          tags: [WAITS],
          invoke: {
            src: 'confirmDestructive',
            input: ({ context }) => inputOf(context),
            onDone: [
              { guard: confirmed, target: 'apply' },
              { guard: stop, target: 'parked', actions: assign({ park: ({ event }) => (event.output.kind === 'stop' ? event.output.park : null) }) },
            ],
            onError: { target: 'parked', actions: assign(({ event }) => ({ park: parkOf(event.error) })) },
          },
        },
        manual: {
          tags: [WAITS],
          invoke: {
            src: 'manualWait',
            input: ({ context }) => inputOf(context),
            onDone: [
              { guard: confirmed, target: 'verify' },
              { guard: stop, target: 'parked', actions: assign({ park: ({ event }) => (event.output.kind === 'stop' ? event.output.park : null) }) },
            ],
            onError: { target: 'parked', actions: assign(({ event }) => ({ park: parkOf(event.error) })) },
          },
        },
        apply: {
          tags: [COMMITS],
          invoke: {
            src: 'apply',
            input: ({ context }) => inputOf(context),
            onDone: [
              { guard: applied, target: 'verify' },
              { guard: inPlace, target: 'verify' },
              // In doubt after a crash, not in place, destructive: asked again before it is sent again.
              {
                guard: unconfirmed,
                target: 'confirm',
                actions: assign({ mark: ({ event }) => (event.output.kind === 'unconfirmed' ? event.output.mark : 0) }),
              },
              { guard: failure, target: 'failing', actions: assign(({ event }) => failureOf(event.output)) },
            ],
            onError: { target: 'parked', actions: assign(({ event }) => ({ park: parkOf(event.error) })) },
          },
        },
        verify: {
          tags: [COMMITS],
          invoke: {
            src: 'verify',
            input: ({ context }) => inputOf(context),
            onDone: [
              { guard: finished, target: 'next' },
              { guard: failure, target: 'failing', actions: assign(({ event }) => failureOf(event.output)) },
            ],
            onError: { target: 'parked', actions: assign(({ event }) => ({ park: parkOf(event.error) })) },
          },
        },
        /** A probe, apply or verify failed: retried per the step's policy, or the operator decides. */
        failing: {
          always: [{ guard: 'retryAllowed', target: 'backoff', actions: 'scheduleRetry' }, { target: 'failed' }],
        },
        failed: {
          tags: [WAITS],
          invoke: {
            src: 'askOperator',
            input: ({ context }) => inputOf(context),
            onDone: [
              { guard: retry, target: 'probe', actions: assign({ retries: 0 }) },
              { guard: finished, target: 'next' },
              { guard: stop, target: 'parked', actions: assign({ park: ({ event }) => (event.output.kind === 'stop' ? event.output.park : null) }) },
            ],
            onError: { target: 'parked', actions: assign(({ event }) => ({ park: parkOf(event.error) })) },
          },
        },
        backoff: {
          tags: [WAITS],
          invoke: {
            src: 'backoffWait',
            input: ({ context }) => inputOf(context),
            onDone: { target: 'probe' },
            onError: { target: 'parked', actions: assign(({ event }) => ({ park: parkOf(event.error) })) },
          },
        },
        /** The step is finished: the next one, or the run is done. */
        next: {
          always: [
            { guard: 'hasNextStep', target: 'probe', actions: 'enterNextStep' },
            { target: '#procedure.done', actions: 'enterNextStep' },
          ],
        },
        parked: {
          tags: [PARKED, WAITS],
          on: { RESUME: { target: 'probe', actions: assign({ park: null, retries: 0, retryAt: null, error: null, mark: 0 }) } },
        },
      },
    },
    done: { type: 'final' },
  },
});

function inputOf(context: RunContext): StepInput {
  return {
    index: context.position,
    mark: context.mark,
    retries: context.retries,
    retryAt: context.retryAt,
    error: context.error,
    retryable: context.retryable,
  };
}

function failureOf(fact: ProbeFact | ApplyFact | VerifyFact): Partial<RunContext> {
  return fact.kind === 'failure' ? { error: fact.error, retryable: fact.retryable } : {};
}

/** An actor that threw: interrupted (Ctrl-C, SIGTERM) or a bug. */
function parkOf(error: unknown): Park {
  return { reason: error instanceof Interrupted ? 'interrupted' : 'failed', error: summarizeError(error) };
}

/** How a checkpoint names where the run is: {"s<position>":"<state>"}, "idle" or "done". */
export function checkpointName(snapshot: { value: unknown; context?: { position?: number } }): string {
  const { value } = snapshot;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  return JSON.stringify({ [`s${snapshot.context?.position ?? 0}`]: Object.values(value)[0] });
}

export type StepChart = typeof stepChart;
