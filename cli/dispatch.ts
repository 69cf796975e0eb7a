// One command line run to its exit code, with the process around it given as `io` (cli/main.ts
// gives the real one; tests of what is refused before any connection give their own and run
// in-process): parse the common flags, lazy-load the one command asked for, map failures by type.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CommandContext, GlobalFlags } from './command.js';
import { OperatorError, UsageError } from '../errors/operator-error.js';
import { parseCommandLine, type OptionTable } from './arguments.js';
import { COMMANDS, COMMON_OPTIONS } from './command-table.js';
import { commandHelp, overallHelp } from './help.js';
import { nearest } from '../config/nearest.js';
import { asInvokedHere } from './as-invoked.js';

/** What a command line runs in: its streams, environment, folder and stop signals. */
export interface CommandIo extends Pick<CommandContext, 'stdin' | 'stdout' | 'stderr' | 'env' | 'cwd' | 'invocation' | 'signals'> {
  /** Told, once the command is known, whether it finishes without output when its reader goes away. */
  finishesWithoutOutput?(yes: boolean): void;
}

/** The version in package.json (beside dist/ and cli/ alike). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The command named on the command line (its first positional argument, wherever the common
 * options are) and the arguments around it. */
function splitCommand(args: string[]): { name: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({ args, options: { ...COMMON_OPTIONS, version: { type: 'boolean' } }, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  if (first?.kind !== 'positional') return { name: undefined, rest: args };
  return { name: first.value, rest: args.filter((_, i) => i !== first.index) };
}

function globalFlags(values: Record<string, string | true>, env: NodeJS.ProcessEnv): GlobalFlags {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const config = text('config');
  const store = text('store');
  const confirm = text('confirm');
  const operator = text('operator');
  const json = values.json === true;
  return {
    json,
    plain: values.plain === true,
    verbose: values.verbose === true,
    yes: values.yes === true,
    color: !env.NO_COLOR && !json && values['no-color'] !== true,
    ...(config !== undefined ? { config } : {}),
    ...(store !== undefined ? { store } : {}),
    ...(confirm !== undefined ? { confirm } : {}),
    ...(operator !== undefined ? { operator: operatorName(operator) } : {}),
  };
}

/** The operator name is written into the audit trail for good and echoed to terminals: no control
 * or invisible format characters (an escape sequence could rewrite what a reader sees). */
function operatorName(value: string): string {
  if (/[\p{Cc}\p{Cf}]/u.test(value) || value.length > 128 || value.trim() !== value) {
    throw new UsageError(
      `--operator ${JSON.stringify(value)} is not allowed`,
      'give a plain name such as alice or CORP\\alice: at most 128 characters, no control or invisible characters, no leading or trailing space',
    );
  }
  return value;
}

/** Runs one command line and resolves to its exit code: an operator-facing failure is written with
 * its hint (exit code by type), anything else as an internal error (70). */
export async function dispatch(args: string[], io: CommandIo): Promise<number> {
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof OperatorError) {
      const say = asInvokedHere(io);
      io.stderr.write(`mirrorbook: ${say(error.message)}\n${error.hint ? `hint: ${say(error.hint)}\n` : ''}`);
      return error.exitCode;
    }
    io.stderr.write(`mirrorbook: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
}

async function command(args: string[], io: CommandIo): Promise<number> {
  const out = (text: string): number => (io.stdout.write(text + '\n'), 0);
  let { name, rest } = splitCommand(args);
  if (name === 'help') {
    // `mirrorbook help run` is `mirrorbook run --help`
    ({ name, rest } = splitCommand(rest));
    rest = [...rest, '--help'];
    if (name === undefined) return out(overallHelp());
  }
  if (name === undefined) {
    const { values } = parseCommandLine(rest, { ...COMMON_OPTIONS, version: { type: 'boolean', help: '' } }, '');
    if (values.version) return out(`mirrorbook ${version()}`);
    io.stdout.write(overallHelp() + '\n');
    return values.help ? 0 : 2;
  }
  const spec = COMMANDS[name];
  if (!spec) {
    const near = nearest(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command '${name}'`, `${near ? `did you mean 'mirrorbook ${near}'? ` : ''}run 'mirrorbook --help' for the list of commands`);
  }
  // --version is global unless the command has its own (lab start --version 2019).
  const table: OptionTable = { version: { type: 'boolean', help: '' }, ...COMMON_OPTIONS, ...spec.options };
  io.finishesWithoutOutput?.(spec.finishesWithoutOutput === true);
  const { values, positionals } = parseCommandLine(rest, table, name);
  if (values.help) return out(commandHelp(spec));
  if (values.version === true && !('version' in spec.options)) return out(`mirrorbook ${version()}`);
  if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
    throw new UsageError(`unexpected argument '${positionals[spec.maxPositionals]}'`, `usage: ${spec.usage.map((u) => `mirrorbook ${u}`).join(' | ')}`);
  }
  const options = Object.fromEntries(Object.entries(values).filter(([key]) => key in spec.options));
  const ctx: CommandContext = {
    args,
    positionals,
    options,
    flags: globalFlags(values, io.env),
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    cwd: io.cwd,
    invocation: io.invocation,
    signals: io.signals,
  };
  const { default: run } = await spec.load();
  return run(ctx);
}
