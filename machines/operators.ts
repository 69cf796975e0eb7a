// The operators the CLI can put in front of a run: answers given on the command line (no terminal:
// --yes for manual steps, --confirm for a destructive one, never auto-approved), or questions on
// the terminal, one line each. The Ink TUI brings its own.

import { createInterface } from 'node:readline/promises';
import type { Operator, SqlErrorInfo, StepDefinition } from './procedure.js';
import { NeedsOperator } from './errors.js';
import { skipConfirmText } from './skip-policy.js';

export function commandLineOperator(options: { name: string; yes: boolean; confirm?: string }): Operator {
  return {
    name: options.name,
    confirmManual: async (step) => {
      if (options.yes) return true;
      throw new NeedsOperator(
        `step '${step.id}' needs the operator: ${step.manual?.instructions ?? step.title}`,
        'do what it asks, then resume with --yes (or run on a terminal)',
      );
    },
    confirmDestructive: async (step, consequences = step.destructive!.consequences) => {
      const expected = step.destructive!.confirmText;
      if (options.confirm === expected) return true;
      if (options.confirm === undefined) {
        throw new NeedsOperator(
          `step '${step.id}' is destructive (${consequences}) and needs a typed confirmation`,
          `resume with --confirm '${expected}' (or run on a terminal)`,
        );
      }
      throw new NeedsOperator(`--confirm '${options.confirm}' does not match what step '${step.id}' asks for`, `it asks for '${expected}'`);
    },
    onFailure: async () => 'abort',
    // Never asked: without a terminal a failure stops the run.
    confirmSkip: async () => undefined,
  };
}

/** `signal` (the run's interrupt) closes a pending question so the process can exit. */
export function terminalOperator(options: {
  name: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  yes: boolean;
  confirm?: string;
  signal: AbortSignal;
}): Operator {
  const askLine = async (question: string): Promise<string> => {
    const rl = createInterface({ input: options.input, output: options.output, terminal: false });
    try {
      return (await rl.question(question, { signal: options.signal })).trim();
    } finally {
      rl.close();
    }
  };
  return {
    name: options.name,
    confirmManual: async (step: StepDefinition) => {
      if (options.yes) return true;
      const answer = await askLine(`\n${step.title}\n  ${step.manual?.instructions ?? ''}\nPress Enter when done (or type 'stop' to stop the run): `);
      return answer.toLowerCase() !== 'stop';
    },
    confirmDestructive: async (step: StepDefinition, consequences = step.destructive!.consequences) => {
      const expected = step.destructive!.confirmText;
      if (options.confirm === expected) return true;
      const answer = await askLine(`\n${step.title} is destructive: ${consequences}\nType '${expected}' to go ahead (anything else stops): `);
      return answer === expected;
    },
    onFailure: async (step: StepDefinition, error: SqlErrorInfo | Error, choices) => {
      for (;;) {
        const answer = (await askLine(`\n${step.title} failed: ${error.message}\n${choices.join(' / ')}? `)).toLowerCase();
        const choice = choices.find((c) => c === answer || c[0] === answer);
        if (choice) return choice;
      }
    },
    confirmSkip: async (step: StepDefinition) => {
      const expected = skipConfirmText(step);
      if ((await askLine(`Type '${expected}' to skip it (anything else does not skip): `)) !== expected) return undefined;
      const reason = await askLine('Why is it safe to skip? (recorded in the audit): ');
      return reason || undefined;
    },
  };
}
