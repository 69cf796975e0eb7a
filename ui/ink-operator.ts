// The Operator the run view puts in front of the engine: each question becomes a prompt in the
// view, answered by keys (use-prompt-keys.ts). Ctrl-C (the run's signal) closes a pending question.

import type { Operator, SqlErrorInfo, StepDefinition } from '../machines/procedure.js';
import type { Answer, Choice, Prompt } from './run-state.js';
import { skipConfirmText } from '../machines/skip-policy.js';
import type { RunStore } from './run-store.js';
import { summarizeError } from '../machines/errors.js';

export interface PromptAnswers {
  /** Resolves the pending prompt; the view calls it when the operator has answered. */
  answer(value: Answer): void;
}

export function inkOperator(options: {
  name: string;
  store: RunStore;
  signal: AbortSignal;
  confirm?: string;
  say?: (text: string) => string;
}): Operator & PromptAnswers {
  const say = options.say ?? ((text: string) => text);
  let pending: { resolve: (value: Answer) => void; reject: (error: unknown) => void } | undefined;
  const ask = <T extends Answer>(prompt: Prompt): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (options.signal.aborted) {
        reject(abortError(options.signal));
        return;
      }
      const onAbort = (): void => {
        pending = undefined;
        options.store.dispatch({ type: 'prompt', prompt: undefined });
        reject(abortError(options.signal));
      };
      options.signal.addEventListener('abort', onAbort, { once: true });
      pending = {
        resolve: (value) => {
          options.signal.removeEventListener('abort', onAbort);
          pending = undefined;
          options.store.dispatch({ type: 'prompt', prompt: undefined });
          resolve(value as T);
        },
        reject,
      };
      options.store.dispatch({ type: 'prompt', prompt });
    });
  return {
    name: options.name,
    confirmManual: (step: StepDefinition) =>
      ask<boolean>({ kind: 'manual', stepId: step.id, title: step.title, instructions: say(step.manual?.instructions ?? step.title) }),
    confirmDestructive: async (step: StepDefinition, consequences = step.destructive!.consequences) => {
      const expected = step.destructive!.confirmText;
      if (options.confirm === expected) return true;
      return ask<boolean>({ kind: 'destructive', stepId: step.id, title: step.title, expected, consequences: say(consequences), typed: '' });
    },
    onFailure: (step: StepDefinition, error: SqlErrorInfo | Error, choices: Choice[]) => {
      const summary = summarizeError(error);
      return ask<Choice>({
        kind: 'failure',
        stepId: step.id,
        title: step.title,
        error: { ...summary, message: say(summary.message), ...(summary.hint !== undefined ? { hint: say(summary.hint) } : {}) },
        choices,
      });
    },
    confirmSkip: async (step: StepDefinition) => {
      const reason = await ask<string | false>({
        kind: 'skip',
        stepId: step.id,
        title: step.title,
        expected: skipConfirmText(step),
        typed: '',
        confirmed: false,
      });
      return reason === false ? undefined : reason;
    },
    answer: (value) => pending?.resolve(value),
  };
}

function abortError(signal: AbortSignal): Error {
  const error = new Error(`question closed by ${String(signal.reason ?? 'an interrupt')}`);
  error.name = 'AbortError';
  return error;
}
