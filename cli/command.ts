// The contract every command module under cli/commands/ implements. main.ts parses the command
// line against cli/command-table.ts, then lazy-imports only the command that was asked for — so
// `--help`, `runs` and `audit` never load ink or mssql.

import { UsageError } from '../errors/operator-error.js';
import { commandLine } from './next-steps.js';
import type { CommandSignals } from './signals.js';
import type { Invocation } from './self-command.js';

export { UsageError };

export interface GlobalFlags {
  config?: string;
  store?: string;
  json: boolean;
  plain: boolean;
  /** Plain output shows every read and poll. */
  verbose: boolean;
  yes: boolean;
  confirm?: string;
  operator?: string;
  color: boolean;
}

export interface CommandContext {
  /** The whole command line as given (recorded with a run: its resume reads the options back). */
  args: readonly string[];
  /** Positional arguments after the command name. */
  positionals: string[];
  /** The command's own options (cli/command-table.ts), parsed; common ones are in `flags`. */
  options: Readonly<Record<string, string | true>>;
  flags: GlobalFlags;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** How mirrorbook was started (script and node options), for the commands it prints. */
  invocation: Invocation;
  /** SIGINT / SIGTERM / SIGHUP, owned by main (cli/signals.ts): a command that stops by itself claims them. */
  signals: CommandSignals;
}

/** Resolves to the process exit code (see brief: 0 done · 1 step failed · 2 bad usage/config ·
 * 3 needs an operator · 4 pair locked · 5 done with a skipped step · 130/143 interrupted). */
export type Command = (ctx: CommandContext) => Promise<number>;

/** A command's own option given as text (undefined when absent). */
export function optionText(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** The exact command that continues a run, as the operator started mirrorbook, with the --config /
 * --store this one was given. */
export function resumeCommandFor(ctx: Pick<CommandContext, 'flags' | 'env' | 'cwd' | 'invocation'>, runId: string): string {
  return commandLine(ctx, `resume ${runId}`);
}
