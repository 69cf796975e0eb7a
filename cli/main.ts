#!/usr/bin/env node
// mirrorbook's entry point: parse the common flags, lazy-load the one command asked for.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CommandContext, GlobalFlags } from './command.js';
import { OperatorError, UsageError } from '../errors/operator-error.js';
import { parseCommandLine, type OptionTable } from './arguments.js';
import { COMMANDS, COMMON_OPTIONS } from './command-table.js';
import { commandHelp, overallHelp } from './help.js';
import { nearest } from '../config/nearest.js';
import { ownSignals } from './signals.js';
import { asInvokedHere } from './as-invoked.js';

// tedious passes an IP address as the TLS server name (DEP0123); the warning tells an operator
// nothing they can act on and would interleave with the run's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** Output to a closed pipe (`mirrorbook audit | head -1`) ends quietly with exit 0, as git's does:
 * no EPIPE stack. A command that changes servers (run, resume, demo) is not cut short by its
 * reader going away: it finishes the run without output and exits with the run's code. */
function quietOnClosedPipe(finishWithoutOutput: () => boolean): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      if (!finishWithoutOutput()) process.exit(0);
    });
  }
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
    throw new UsageError(`--operator ${JSON.stringify(value)} is not allowed`, 'give a plain name such as alice or CORP\\alice: at most 128 characters, no control or invisible characters, no leading or trailing space');
  }
  return value;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let finishesWithoutOutput = false;
  quietOnClosedPipe(() => finishesWithoutOutput);
  const out = (text: string): number => (process.stdout.write(text + '\n'), 0);
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
    process.stdout.write(overallHelp() + '\n');
    return values.help ? 0 : 2;
  }
  const spec = COMMANDS[name];
  if (!spec) {
    const near = nearest(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command '${name}'`, `${near ? `did you mean 'mirrorbook ${near}'? ` : ''}run 'mirrorbook --help' for the list of commands`);
  }
  // --version is global unless the command has its own (lab start --version 2019).
  const table: OptionTable = { version: { type: 'boolean', help: '' }, ...COMMON_OPTIONS, ...spec.options };
  finishesWithoutOutput = spec.finishesWithoutOutput === true;
  const { values, positionals } = parseCommandLine(rest, table, name);
  if (values.help) return out(commandHelp(spec));
  if (values.version === true && !('version' in spec.options)) return out(`mirrorbook ${version()}`);
  if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
    throw new UsageError(`unexpected argument '${positionals[spec.maxPositionals]}'`, `usage: ${spec.usage.map((u) => `mirrorbook ${u}`).join(' | ')}`);
  }
  const options = Object.fromEntries(Object.entries(values).filter(([key]) => key in spec.options));
  const ctx: CommandContext = { positionals, options, flags: globalFlags(values, process.env), stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signals: ownSignals() };
  const { default: run } = await spec.load();
  return run(ctx);
}

let settled = false;
// A command whose promise can no longer settle (nothing left to wait for) must not exit 0 silently.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('mirrorbook: internal error: the command stopped with nothing left to wait for\n');
  process.exitCode = 70;
});

main().finally(() => { settled = true; }).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    // Operator-facing failures (bad usage, a refused resume, a locked pair, an unusable store) are
    // printed with their hint and no stack.
    if (error instanceof OperatorError) {
      const say = asInvokedHere({ env: process.env, cwd: process.cwd() });
      process.stderr.write(`mirrorbook: ${say(error.message)}\n${error.hint ? `hint: ${say(error.hint)}\n` : ''}`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`mirrorbook: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
