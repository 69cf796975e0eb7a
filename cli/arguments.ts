// The one argument parser: node:util parseArgs tokenises (so `--name value`, `--name=value`, `-h`
// and `--` behave as everywhere else in Node), and this file judges the tokens against the
// command's option table, so that every refusal names the option and suggests the nearest one.

import { parseArgs } from 'node:util';
import { nearest } from '../config/nearest.js';
import { UsageError } from '../errors/operator-error.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help, e.g. FILE. */
  value?: string;
  help: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  values: Record<string, string | true>;
  positionals: string[];
}

/** Parses `args` against `table`; `where` names the command in messages ("run", "lab"). */
export function parseCommandLine(args: readonly string[], table: OptionTable, where: string): ParsedArgs {
  const options = Object.fromEntries(Object.entries(table).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  // strict: false so that this file, not parseArgs, words the refusals (and a value that starts
  // with a dash is seen, to be refused as a missing value rather than taken as one).
  // A negative number or offset ("-3d") is a value, never an option (no option is a digit).
  const negatives = args.map((arg) => (/^-\d/.test(arg) ? arg : undefined));
  const shielded = args.map((arg, i) => (negatives[i] === undefined ? arg : `\u0000${i}`));
  const unshield = (text: string): string => (text.startsWith('\u0000') ? negatives[Number(text.slice(1))]! : text);
  const { tokens } = parseArgs({ args: shielded, options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(unshield(token.value));
      continue;
    }
    const spec = table[token.name];
    if (!spec) throw unknownOption(token.rawName, table, where);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`, `write ${token.rawName} alone (mirrorbook ${where} --help)`);
      values[token.name] = true;
      continue;
    }
    const value = token.value === undefined ? undefined : unshield(token.value);
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-') && value !== '-')) {
      throw new UsageError(`--${token.name} needs a value`, `e.g. --${token.name} ${spec.value ?? 'VALUE'} (mirrorbook ${where} --help)`);
    }
    values[token.name] = value;
  }
  return { values, positionals };
}

function unknownOption(raw: string, table: OptionTable, where: string): UsageError {
  const longs = Object.keys(table).map((n) => `--${n}`);
  const near = raw.startsWith('--') ? nearest(raw, longs) : undefined;
  return new UsageError(`unknown option '${raw}'`, `${near ? `did you mean ${near}? ` : ''}mirrorbook ${where} --help lists its options`);
}
