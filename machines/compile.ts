// Binds the step chart (step-chart.ts) to one run: its actors (step-actors.ts) and the guards and
// actions that read the procedure. The chart stays one static machine whatever the procedure (its
// position is in the context), so it builds in constant time and a checkpoint restores.

import { assign } from 'xstate';
import type { RunRuntime } from './run-runtime.js';
import { stepActors } from './step-actors.js';
import { stepChart } from './step-chart.js';
import { stepAt } from './run-runtime.js';

export { checkpointName, PARKED } from './step-chart.js';

export function compileProcedure(rt: RunRuntime) {
  const { steps } = rt.definition;
  return stepChart.provide({
    actors: stepActors(rt),
    guards: {
      hasNextStep: ({ context }) => context.position + 1 < steps.length,
      startsInside: ({ event }) => event.type === 'START' && event.position < steps.length,
      stepIsManual: ({ context }) => stepAt(rt, context.position).manual !== undefined,
      stepIsDestructive: ({ context }) => stepAt(rt, context.position).destructive !== undefined,
      retryAllowed: ({ context }) => {
        const policy = stepAt(rt, context.position).retry;
        return !!policy && context.retryable && context.retries + 1 < policy.attempts;
      },
    },
    actions: {
      scheduleRetry: assign(({ context }) => {
        const step = stepAt(rt, context.position);
        const policy = step.retry!;
        const delay = policy.backoffMs * (policy.factor ?? 2) ** context.retries;
        rt.emit({
          type: 'note',
          stepId: step.id,
          text: `${context.error?.message ?? 'unknown failure'} — retry ${context.retries + 1} of ${policy.attempts - 1} in ${(delay / 1000).toFixed(1)} s`,
        });
        return { retryAt: Date.now() + delay, retries: context.retries + 1 };
      }),
    },
  });
}

export type ProcedureMachine = ReturnType<typeof compileProcedure>;
