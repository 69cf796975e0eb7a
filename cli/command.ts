// The contract every command module under cli/commands/ implements. main.ts parses the common
// flags, then lazy-imports only the command that was asked for — so `--help`, `runs` and `audit`
// never load ink or mssql.

import { UsageError } from '../errors/operator-error.js';

export { UsageError };

export interface GlobalFlags {
  config?: string;
  store?: string;
  json: boolean;
  plain: boolean;
  yes: boolean;
  confirm?: string;
  operator?: string;
  color: boolean;
}

export interface CommandContext {
  /** Arguments after the command name, common flags removed. */
  argv: string[];
  flags: GlobalFlags;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Resolves to the process exit code (see brief: 0 done · 1 step failed · 2 bad usage/config ·
 * 3 needs an operator · 4 pair locked · 130/143 interrupted). */
export type Command = (ctx: CommandContext) => Promise<number>;


/** Parses a command's own options: `--name value` / `--name=value` for those in `valued`,
 * `--name` for those in `switches`; anything else starting with `--` is bad usage. */
export function parseOptions(argv: string[], valued: string[], switches: string[] = []): { options: Record<string, string | true>; positional: string[] } {
  const options: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (switches.includes(name) && eq === -1) { options[name] = true; continue; }
    if (!valued.includes(name)) {
      const known = [...valued, ...switches].map((o) => `--${o}`).join(', ');
      throw new UsageError(`unknown option '--${name}'`, known ? `this command takes ${known} and the common options (mirrorbook --help)` : 'see mirrorbook --help');
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    options[name] = value;
  }
  return { options, positional };
}

/** The exact command that continues a run, with the --config / --store this one was given. */
export function resumeCommandFor(flags: GlobalFlags, runId: string): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return ['mirrorbook', 'resume', runId, ...(flags.config ? ['--config', quote(flags.config)] : []), ...(flags.store ? ['--store', quote(flags.store)] : [])].join(' ');
}
