// Where the config, the store and the lab live, resolved the same way by every command:
// --config FILE (env MIRRORBOOK_CONFIG, default ./mirrorbook.yaml); --store FILE (env
// MIRRORBOOK_STORE, default .mirrorbook/state.db beside the config); the lab directory defaults
// to a lab/ directory beside the store.

import { dirname, join, resolve } from 'node:path';

export interface Paths {
  config: string;
  store: string;
  labDir: string;
}

export function resolvePaths(options: { config?: string; store?: string; labDir?: string }, env: NodeJS.ProcessEnv, cwd: string): Paths {
  const config = resolve(cwd, options.config ?? env.MIRRORBOOK_CONFIG ?? 'mirrorbook.yaml');
  const store = resolve(cwd, options.store ?? env.MIRRORBOOK_STORE ?? join(dirname(config), '.mirrorbook', 'state.db'));
  const labDir = resolve(cwd, options.labDir ?? join(dirname(store), 'lab'));
  return { config, store, labDir };
}
