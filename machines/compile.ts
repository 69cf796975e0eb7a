// Compiles a RunbookDefinition into an XState v5 machine. One compound `step` state runs the step
// at context.position: probe → (confirm | manual) → apply → verify → next step, with failed → backoff → probe for
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
/** Each phase's actor and where its routes may lead. */
const PHASES: Record<Phase, { src: ActorName; routes: RouteTo[] }> = {
  probe: { src: 'probe', routes: ['next', 'manual', 'confirm', 'apply', 'failed', 'park'] },
  confirm: { src: 'confirmDestructive', routes: ['apply', 'park'] },
  manual: { src: 'manualWait', routes: ['verify', 'park'] },
  apply: { src: 'apply', routes: ['verify', 'failed', 'park'] },
  verify: { src: 'verify', routes: ['next', 'failed'] },
  failed: { src: 'decideFailure', routes: ['backoff', 'probe', 'next', 'park'] },
  backoff: { src: 'backoffWait', routes: ['probe'] },
};

/** How a checkpoint names where the run is: {"s<position>":"<phase>"}, "idle" or "done". */
export function checkpointName(snapshot: { value: unknown; context?: { position?: number } }): string {
  const { value } = snapshot;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  return JSON.stringify({ [`s${snapshot.context?.position ?? 0}`]: Object.values(value)[0] });
}

/** One `step` state whatever the runbook's length (its position is in the context): the machine
 * builds in constant time and its transitions stay few. */
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
  const input = ({ context }: { context: RunContext }): StepInput => ({ index: context.position, mark: context.mark, retries: context.retries, retryAt: context.retryAt, error: context.error, retryable: context.retryable });
  const hasNext = ({ context, event }: { context: RunContext; event: unknown }) => routeIs('next')({ event }) && context.position + 1 < count;

  const phases: Record<string, unknown> = {};
  for (const [phase, { src, routes }] of Object.entries(PHASES)) {
    phases[phase] = {
      invoke: {
        src,
        input,
        onDone: routes.flatMap((to) => to === 'next'
          ? [{ guard: hasNext, target: 'probe', reenter: true, actions: enterNext }, { guard: routeIs(to), target: '#runbook.done', actions: enterNext }]
          : [{ guard: routeIs(to), target: to === 'park' ? PARKED : to, actions: fromRoute }]),
        onError: { target: PARKED, actions: toParked },
      },
    };
  }
  phases[PARKED] = {
    tags: [PARKED],
    on: { RESUME: { target: 'probe', actions: assign({ park: null, retries: 0, retryAt: null, error: null, mark: 0 }) } },
  };

  return m.createMachine({
    id: 'runbook',
    initial: 'idle',
    context: { position: 0, mark: 0, retries: 0, retryAt: null, error: null, retryable: false, park: null },
    states: {
      idle: {
        on: {
          START: [
            { guard: ({ event }) => event.position < count, target: 'step', actions: assign({ position: ({ event }) => event.position }) },
            { target: 'done', actions: assign({ position: ({ event }) => event.position }) },
          ],
        },
      },
      step: { initial: 'probe', states: phases as never },
      done: { type: 'final' },
    },
  });
}

export type RunbookMachine = ReturnType<typeof compileRunbook>;
