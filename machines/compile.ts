// Compiles a RunbookDefinition into an XState v5 machine. Each step is a compound state
// probe → (confirm | manual) → apply → verify → next step, with failed → backoff → probe for
// retries and a `parked` state (interrupted, failed, needs an operator) that a resume leaves with
// RESUME. The initial state invokes nothing; every actor is registered by name in setup(), so a
// checkpoint restores; retry deadlines are timestamps in the context, not `after` delays.

import { assign, setup } from 'xstate';
import type { ErrorSummary } from './events.js';
import type { RunbookDefinition } from './runbook.js';
import type { RunRuntime } from './run-runtime.js';
import { stepActors, type Park, type Route, type RouteTo, type StepInput } from './step-actors.js';
import { Interrupted, summarizeError } from './errors.js';

export interface RunContext {
  position: number;
  mark: number;
  retries: number;
  retryAt: number | null;
  error: ErrorSummary | null;
  retryable: boolean;
  park: Park | null;
}

export type RunEvent = { type: 'START'; position: number } | { type: 'RESUME' };

export const PARKED = 'parked';

type ActorName = 'probe' | 'confirmDestructive' | 'manualWait' | 'apply' | 'verify' | 'decideFailure' | 'backoffWait';
type Phase = Exclude<RouteTo, 'next' | 'park'>;
/** Each phase's actor and where its routes may lead (fewer transitions: a 200-step machine builds fast). */
const PHASES: Record<Phase, { src: ActorName; routes: RouteTo[] }> = {
  probe: { src: 'probe', routes: ['next', 'manual', 'confirm', 'apply', 'failed', 'park'] },
  confirm: { src: 'confirmDestructive', routes: ['apply', 'park'] },
  manual: { src: 'manualWait', routes: ['verify', 'park'] },
  apply: { src: 'apply', routes: ['verify', 'failed', 'park'] },
  verify: { src: 'verify', routes: ['next', 'failed'] },
  failed: { src: 'decideFailure', routes: ['backoff', 'probe', 'next', 'park'] },
  backoff: { src: 'backoffWait', routes: ['probe'] },
};

export function stepStateId(index: number): string {
  return `s${index}`;
}

export function compileRunbook(runbook: RunbookDefinition, rt: RunRuntime) {
  const count = runbook.steps.length;
  const m = setup({
    types: {} as { context: RunContext; events: RunEvent },
    actors: stepActors(rt),
  });

  const fromRoute = assign(({ context, event }: { context: RunContext; event: unknown }) => {
    const route = (event as { output: Route }).output;
    return {
      mark: route.mark ?? context.mark,
      retries: route.retries ?? context.retries,
      retryAt: route.retryAt ?? context.retryAt,
      error: route.error ?? context.error,
      retryable: route.retryable ?? context.retryable,
      park: route.park ?? null,
    };
  });
  const enterNext = assign(({ context }: { context: RunContext }) => ({ position: context.position + 1, mark: 0, retries: 0, retryAt: null, error: null, retryable: false, park: null }));
  const toParked = assign(({ event }: { event: unknown }) => {
    const error = (event as { error: unknown }).error;
    return { park: { reason: error instanceof Interrupted ? 'interrupted' : 'failed', error: summarizeError(error) } as Park };
  });
  const routeIs = (to: RouteTo) => ({ event }: { event: unknown }) => (event as { output: Route }).output.to === to;

  const stepNode = (index: number) => {
    const next = index + 1 < count ? `#runbook.${stepStateId(index + 1)}` : '#runbook.done';
    const input = ({ context }: { context: RunContext }): StepInput => ({ index, mark: context.mark, retries: context.retries, retryAt: context.retryAt, error: context.error, retryable: context.retryable });
    const states: Record<string, unknown> = {};
    for (const [phase, { src, routes }] of Object.entries(PHASES)) {
      states[phase] = {
        invoke: {
          src,
          input,
          onDone: routes.map((to) => to === 'next'
            ? { guard: routeIs(to), target: next, actions: enterNext }
            : { guard: routeIs(to), target: to === 'park' ? PARKED : to, actions: fromRoute }),
          onError: { target: PARKED, actions: toParked },
        },
      };
    }
    states[PARKED] = {
      tags: [PARKED],
      on: { RESUME: { target: 'probe', actions: assign({ park: null, retries: 0, retryAt: null, error: null, mark: 0 }) } },
    };
    return { initial: 'probe', states };
  };

  const states: Record<string, unknown> = {
    idle: { on: { START: { target: 'dispatch', actions: assign({ position: ({ event }) => event.position }) } } },
    dispatch: {
      always: [
        ...runbook.steps.map((_, index) => ({ guard: ({ context }: { context: RunContext }) => context.position === index, target: stepStateId(index) })),
        { target: 'done' },
      ],
    },
    done: { type: 'final' },
  };
  runbook.steps.forEach((_, index) => { states[stepStateId(index)] = stepNode(index); });

  return m.createMachine({
    id: 'runbook',
    initial: 'idle',
    context: { position: 0, mark: 0, retries: 0, retryAt: null, error: null, retryable: false, park: null },
    states: states as never,
  });
}

export type RunbookMachine = ReturnType<typeof compileRunbook>;
