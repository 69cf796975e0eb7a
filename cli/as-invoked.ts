// Hints, errors and notes name mirrorbook commands ("run 'mirrorbook run sync-logins'", "mirrorbook
// plan <procedure> shows …"); written where the words are chosen (steps/, preflight/, store/), they
// say `mirrorbook`. Where they reach the operator they are rewritten the way mirrorbook was started
// (`npx mirrorbook …` from a checkout, cli/self-command.ts), so every command printed can be pasted.

import type { CommandContext } from './command.js';
import { COMMANDS } from './command-table.js';
import { selfCommand } from './self-command.js';
import type { EngineEvent, ErrorSummary } from '../machines/events.js';
import type { Finding } from '../preflight/check.js';

/** `text` with every `mirrorbook <command>` written as `self <command>`; one already written that
 * way (`npx mirrorbook resume …`) is left alone. */
export function asInvoked(text: string, self: string, commands: readonly string[] = [...Object.keys(COMMANDS), 'help', '--help', '--version']): string {
  if (self === 'mirrorbook' || !text.includes('mirrorbook ')) return text;
  const names = commands.map((c) => c.replace(/[^\w-]/g, '')).join('|');
  return text.replace(new RegExp(`(?<![\\w/.-])(?<!npx )mirrorbook (?=(?:${names})(?![\\w-]))`, 'g'), `${self} `);
}

/** asInvoked for the command running now. */
export function asInvokedHere(ctx: Pick<CommandContext, 'env' | 'cwd' | 'invocation'>): (text: string) => string {
  const self = selfCommand(ctx);
  return (text) => asInvoked(text, self);
}

export function findingAsInvoked(finding: Finding, say: (text: string) => string): Finding {
  return finding.hint === undefined ? finding : { ...finding, hint: say(finding.hint) };
}

function errorAsInvoked(error: ErrorSummary, say: (text: string) => string): ErrorSummary {
  return { ...error, message: say(error.message), ...(error.hint !== undefined ? { hint: say(error.hint) } : {}) };
}

/** An engine event with the words it shows the operator rewritten by `say`. */
export function eventAsInvoked(event: EngineEvent, say: (text: string) => string): EngineEvent {
  switch (event.type) {
    case 'preflight':
      return { ...event, findings: event.findings.map((f) => findingAsInvoked(f, say)) };
    case 'note':
      return { ...event, text: say(event.text) };
    case 'manual-required':
      return { ...event, instructions: say(event.instructions) };
    case 'confirm-required':
      return { ...event, consequences: say(event.consequences) };
    case 'step-finished':
    case 'run-finished':
      return event.error ? { ...event, error: errorAsInvoked(event.error, say) } : event;
    default:
      return event;
  }
}
