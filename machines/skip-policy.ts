// Which failed steps an operator may skip. Only a step that says so (StepDefinition.skippable) and
// is not destructive: checks that guard the pair, and anything a later step relies on, never are.
// Decided here, not by the renderer, so no TUI, plain, --json or --yes answer can skip one.
import type { StepDefinition } from './procedure.js';
import type { Store } from '../store/types.js';

export type FailureChoice = 'retry' | 'skip' | 'abort';

export function maySkip(step: StepDefinition): boolean {
  return step.skippable !== undefined && step.destructive === undefined;
}

export function failureChoices(step: StepDefinition): FailureChoice[] {
  return maySkip(step) ? ['retry', 'skip', 'abort'] : ['retry', 'abort'];
}

/** The skip confirmation an operator types: the step's id, exactly. */
export const skipConfirmText = (step: StepDefinition): string => step.id;

/** A run that skipped a step never looks like a clean success: its own exit code. */
export const EXIT_DONE_WITH_SKIPS = 5;

export function skippedSteps(store: Store, runId: string): string[] {
  return store.journal
    .steps(runId)
    .filter((s) => s.status === 'skipped')
    .map((s) => s.stepId);
}
