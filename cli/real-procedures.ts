// The real procedures (runbooks/) on the pair named in the config file, over mssql connections
// (steps/connection.ts, which loads mssql only when a statement is sent). Part of the composition
// root (cli/load-procedure.ts), loaded only when no MIRRORBOOK_RUNBOOKS module replaces it.

import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { pairName } from '../config/types.js';
import { buildProcedure, PROCEDURES } from '../runbooks/index.js';
import { PairConnections } from '../steps/connection.js';
import type { ProcedureSource } from '../machines/procedure-source.js';
import type { SqlTargets } from '../machines/sql-targets.js';
import { optionsOfLoad } from './cleanup-options.js';

/** The seeding backup files the store's runs on this pair wrote (read-only; no store: none). */
async function readRunBackupFiles(storePath: string, pairKey: string) {
  if (!existsSync(storePath)) return { files: [], keptRuns: [] };
  const [{ openStore }, { runBackupFiles }] = await Promise.all([import('../store/index.js'), import('./run-backup-files.js')]);
  const store = openStore(storePath, { readonly: true });
  try {
    return runBackupFiles(store, pairKey);
  } finally {
    store.close();
  }
}

export const realProcedures: ProcedureSource = {
  names: () => PROCEDURES.map((p) => p.name),
  load: async (name, options) => {
    const config = loadConfig(options.configPath, { env: options.env });
    const backupFiles =
      name === 'cleanup' && options.removeBackupsOf !== undefined ? await readRunBackupFiles(options.removeBackupsOf, pairName(config)) : undefined;
    const definition = buildProcedure(name, config, {
      env: options.env,
      ...(options.now ? { now: options.now } : {}),
      ...(options.dropAnchors ? { dropAnchors: true } : {}),
      ...(backupFiles ? { backupFiles } : {}),
    });
    return {
      definition,
      pairKey: pairName(config),
      lockPair: async (record) => (await import('../steps/pair-lock.js')).takePairLock(config, record),
      preflight: async (online) => {
        const { runPreflight } = await import('../preflight/run-preflight.js');
        const given = optionsOfLoad(options);
        if (!online) return runPreflight(config, name, undefined, given);
        const connections = new PairConnections(config);
        try {
          return await runPreflight(config, name, connections, given);
        } finally {
          await connections.close();
        }
      },
      targets: (): SqlTargets => {
        const connections = new PairConnections(config);
        return {
          serverName: (target) => config.pair[target]?.instance,
          connect: async (target) => {
            await connections.pool(target);
          },
          query: (target, statement, signal) => connections.query(target, statement, signal),
          close: () => connections.close(),
        };
      },
    };
  },
};
