// The lab the previous `mirrorbook lab …` command used, remembered per user: a small pointer file
// in the user's state directory ($MIRRORBOOK_STATE_HOME, else $XDG_STATE_HOME/mirrorbook, else
// ~/.local/state/mirrorbook; %LOCALAPPDATA%\mirrorbook on Windows). `lab start` records where its lab
// lives (and any lab command given --dir the lab it reached), so a later `lab stop`, `lab fault`,
// `status` or `run` without --dir or --config finds it — from any directory. A lab started without
// --dir, and none remembered, lives in that state directory too: stable, and outside any checkout.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OperatorError } from '../errors/operator-error.js';

const POINTER = 'last-lab.json';

export function stateHome(env: NodeJS.ProcessEnv): string {
  if (env.MIRRORBOOK_STATE_HOME) return env.MIRRORBOOK_STATE_HOME;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'mirrorbook');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'mirrorbook');
  return join(homedir(), '.local', 'state', 'mirrorbook');
}

/** Where `lab start` puts a lab when it is given no --dir and remembers none. */
export function defaultLabDir(env: NodeJS.ProcessEnv): string {
  return join(stateHome(env), 'lab');
}

/** A directory `mirrorbook lab start` made: its state and the config it wrote. */
export function isLabDir(dir: string): boolean {
  return existsSync(join(dir, 'state.json')) && existsSync(join(dir, 'mirrorbook.yaml'));
}

/** The lab directory the last lab command used, whether or not a lab is still there. */
export function lastLab(env: NodeJS.ProcessEnv): string | undefined {
  try {
    const { dir } = JSON.parse(readFileSync(join(stateHome(env), POINTER), 'utf8')) as { dir?: unknown };
    return typeof dir === 'string' && dir !== '' ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers `dir` as the lab in use. Best effort: a read-only home must not fail a lab command. */
export function rememberLab(env: NodeJS.ProcessEnv, dir: string): void {
  const home = stateHome(env);
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const temp = join(home, `.${POINTER}.${process.pid}`);
    writeFileSync(temp, JSON.stringify({ dir, at: new Date().toISOString() }) + '\n', { mode: 0o600 });
    renameSync(temp, join(home, POINTER));
  } catch {
    // Without the pointer the next command needs --dir: no worse than before.
  }
}

/** The remembered lab is gone (its directory removed or emptied) and nothing else names a lab. */
export class LabGoneError extends OperatorError {
  override readonly name = 'LabGoneError';
  constructor(dir: string) {
    super(
      `the lab last used, in ${dir}, is gone: that directory holds no lab any more`,
      'start a new one with: mirrorbook lab start (or --dir D to choose where); for real servers name the config with --config FILE (mirrorbook init writes one)',
      2,
    );
  }
}
