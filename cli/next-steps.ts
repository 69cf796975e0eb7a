// "What next" after a finished run (and the demo's "Try next"): commands as the operator started
// mirrorbook, with the --config / --store this run was given, ready to paste.

import type { CommandContext } from './command.js';
import { selfCommand, shellWord } from './self-command.js';
import { nextAfter } from '../runbooks/procedures.js';

/** `# why` then the command, two-space indented, one pair per entry. */
export function formatTries(tries: readonly (readonly [string, string])[]): string {
  return tries.map(([why, command]) => `  # ${why}\n  ${command}`).join('\n');
}

/** The mirrorbook command line for `args`, as the operator would type it here. */
export function commandLine(ctx: Pick<CommandContext, 'flags' | 'env' | 'cwd' | 'invocation'>, args: string): string {
  const where = [...(ctx.flags.config ? ['--config', shellWord(ctx.flags.config)] : []), ...(ctx.flags.store ? ['--store', shellWord(ctx.flags.store)] : [])];
  return [selfCommand(ctx), args, ...where].join(' ');
}

export function nextStepsAfter(ctx: Pick<CommandContext, 'flags' | 'env' | 'cwd' | 'invocation'>, procedure: string): string | undefined {
  const tries = nextAfter(procedure);
  if (tries.length === 0) return undefined;
  return `what next:\n${formatTries(tries.map(([why, args]) => [why, commandLine(ctx, args)] as const))}\n`;
}
