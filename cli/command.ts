// The contract every command module under cli/commands/ implements. main.ts parses the common
// flags, then lazy-imports only the command that was asked for — so `--help`, `runs` and `audit`
// never load ink or mssql.

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

/** Bad usage or configuration: printed without a stack trace, exit 2, nothing executed. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}
