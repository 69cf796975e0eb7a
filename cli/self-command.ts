// How the operator started mirrorbook, so that a command we print (the resume command, the demo's
// "Try next") can be pasted as it is: `npx mirrorbook` under npm (npx, npm start, from a
// checkout), `mirrorbook` when it was found on PATH, else node and the script as it was given.

import { basename, delimiter, dirname, relative, resolve } from 'node:path';

/** How mirrorbook was started: main.ts gives its process's; an embedder gives its own. */
export interface Invocation {
  /** process.argv[1] */
  script: string | undefined;
  /** process.execArgv (--import tsx when run from source) */
  execArgv: readonly string[];
}

/** The command that starts mirrorbook again as it was started here, from `cwd` with `env`. */
export function selfCommand({ env, invocation: { script, execArgv }, cwd }: { env: NodeJS.ProcessEnv; invocation: Invocation; cwd: string }): string {
  if (env.npm_lifecycle_event === 'npx' || env.npm_command === 'exec' || env.npm_command === 'run-script' || env.npm_command === 'start')
    return 'npx mirrorbook';
  if (script === undefined) return 'mirrorbook';
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((d) => resolve(d));
  if (basename(script) === 'mirrorbook' && onPath.includes(dirname(resolve(script)))) return 'mirrorbook';
  const rel = relative(cwd, script);
  const imports = execArgv.flatMap((arg, i) => (arg === '--import' && execArgv[i + 1] ? [arg, execArgv[i + 1]!] : arg.startsWith('--import=') ? [arg] : []));
  return ['node', ...imports, rel.startsWith('..') ? script : rel].join(' ');
}

/** A word as a POSIX shell reads it back. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
