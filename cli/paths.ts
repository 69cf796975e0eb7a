// Where the config, the store and the lab live, resolved the same way by every command:
// --config FILE (env MIRRORBOOK_CONFIG, default ./mirrorbook.yaml — or, when there is none, the
// config of a lab started here without --dir, ./.mirrorbook/lab/mirrorbook.yaml); --store FILE (env
// MIRRORBOOK_STORE, default .mirrorbook/state.db beside the config); the lab directory: --dir, else
// the config's own directory when that is a lab's (so `--config LAB/mirrorbook.yaml` reaches the lab
// that wrote it), else a lab/ directory beside the store. So every command without --dir finds
// the lab the previous one used.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface Paths {
  config: string;
  store: string;
  labDir: string;
}

/** A directory `mirrorbook lab start` made: its state and the config it wrote. */
const isLabDir = (dir: string): boolean => existsSync(join(dir, 'state.json')) && existsSync(join(dir, 'mirrorbook.yaml'));

export function resolvePaths(options: { config?: string; store?: string; labDir?: string }, env: NodeJS.ProcessEnv, cwd: string): Paths {
  const given = options.config ?? env.MIRRORBOOK_CONFIG;
  const localLab = resolve(cwd, '.mirrorbook', 'lab');
  const config = given !== undefined
    ? resolve(cwd, given)
    : !existsSync(resolve(cwd, 'mirrorbook.yaml')) && isLabDir(localLab)
      ? join(localLab, 'mirrorbook.yaml')
      : resolve(cwd, 'mirrorbook.yaml');
  const store = resolve(cwd, options.store ?? env.MIRRORBOOK_STORE ?? join(dirname(config), '.mirrorbook', 'state.db'));
  const labDir = options.labDir !== undefined ? resolve(cwd, options.labDir) : isLabDir(dirname(config)) ? dirname(config) : join(dirname(store), 'lab');
  return { config, store, labDir };
}
