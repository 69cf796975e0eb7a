// Where the config, the store and the lab live, resolved the same way by every command:
// --config FILE (env MIRRORBOOK_CONFIG), else ./mirrorbook.yaml when there is one, else the config
// of the lab the last lab command used (cli/last-lab.ts), else that of a lab in ./.mirrorbook/lab;
// --store FILE (env MIRRORBOOK_STORE, default .mirrorbook/state.db beside the config); the lab
// directory: --dir, else the config's own directory when that is a lab's (so `--config
// LAB/mirrorbook.yaml` reaches the lab that wrote it), else the lab last used, else a lab beside the
// store, else the per-user default. So every command without --dir or --config finds the lab the
// previous one used; when that lab is gone and nothing else names a config, the config (and the
// store beside it) is a LabGoneError saying so.

import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { LabGoneError, defaultLabDir, isLabDir, lastLab } from './last-lab.js';

export interface Paths {
  config: string;
  store: string;
  labDir: string;
  /** Where labDir came from: `last` — the lab the previous lab command used (it may be gone). */
  labFrom: 'dir' | 'config' | 'last' | 'store' | 'default';
  /** Where config came from: given (--config, MIRRORBOOK_CONFIG), ./mirrorbook.yaml, or a lab's. */
  configFrom: 'given' | 'here' | 'lab';
  /** The config, or undefined when nothing names one (the lab last used is gone): for the commands
   * that only read a store they are given, to which a config adds the audit key and the servers. */
  knownConfig: string | undefined;
}

/** The line a command that changes servers prints when nothing named its config and a lab's was
 * taken: an operator who meant real servers sees at once that the run went to the lab. */
export function labConfigNotice(paths: Paths): string {
  return paths.configFrom === 'lab'
    ? `mirrorbook: no --config and no mirrorbook.yaml here: using the lab's config ${paths.config} (give --config for real servers)\n`
    : '';
}

export function resolvePaths(options: { config?: string; store?: string; labDir?: string }, env: NodeJS.ProcessEnv, cwd: string): Paths {
  const given = options.config ?? env.MIRRORBOOK_CONFIG;
  const here = resolve(cwd, 'mirrorbook.yaml');
  const localLab = resolve(cwd, '.mirrorbook', 'lab');
  const last = lastLab(env);
  const config =
    given !== undefined
      ? resolve(cwd, given)
      : existsSync(here)
        ? here
        : last !== undefined && isLabDir(last)
          ? join(last, 'mirrorbook.yaml')
          : isLabDir(localLab)
            ? join(localLab, 'mirrorbook.yaml')
            : last !== undefined
              ? undefined
              : here;
  const storeGiven = options.store ?? env.MIRRORBOOK_STORE;
  const store = storeGiven !== undefined ? resolve(cwd, storeGiven) : config !== undefined ? join(dirname(config), '.mirrorbook', 'state.db') : undefined;
  const besideStore = store !== undefined ? join(dirname(store), 'lab') : localLab;
  const [labDir, labFrom]: [string, Paths['labFrom']] =
    options.labDir !== undefined
      ? [resolve(cwd, options.labDir), 'dir']
      : config !== undefined && isLabDir(dirname(config))
        ? [dirname(config), 'config']
        : last !== undefined
          ? [last, 'last']
          : isLabDir(besideStore)
            ? [besideStore, 'store']
            : [defaultLabDir(env), 'default'];
  return {
    get config() {
      if (config === undefined) throw new LabGoneError(last!);
      return config;
    },
    get store() {
      if (store === undefined) throw new LabGoneError(last!);
      return store;
    },
    knownConfig: config,
    labDir,
    labFrom,
    configFrom: given !== undefined ? 'given' : config === here ? 'here' : 'lab',
  };
}
