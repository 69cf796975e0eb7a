// The seeding backup files this store's runs wrote on a pair, for `run cleanup --remove-backups`:
// read from the audit trail (a BACKUP statement a run sent that the server completed), each kept
// only when its file name is that run's own (steps/backup-paths.ts). Nothing else is ever listed.
// Only a run that ended (done) gives up its files: any other one can still be resumed
// (machines/engine.ts findRunToResume), and its restores would need them.
import type { Store } from '../store/index.js';
import { isRunSeedFile, seedBackupOf } from '../steps/backup-paths.js';
import type { RunBackupFile, RunBackupFiles } from '../steps/remove-backup-files.js';

export function runBackupFiles(store: Store, pairKey: string): RunBackupFiles {
  const result: RunBackupFiles = { files: [], keptRuns: [] };
  for (const run of store.runs.list().filter((r) => r.pairKey === pairKey)) {
    const files = new Map<string, RunBackupFile>();
    for (const record of store.audit.forRun(run.id)) {
      if (record.kind !== 'statement' || record.result !== 'ok' || (record.target !== 'principal' && record.target !== 'mirror') || record.sql === null)
        continue;
      const backup = seedBackupOf(record.sql);
      if (!backup || !isRunSeedFile(backup.path, backup.database, run.id)) continue;
      // The server that wrote it (its instance name then), not the role it had: roles swap.
      const server = record.server ?? null;
      files.set(`${server?.toLowerCase()}:${backup.path.toLowerCase()}`, { runId: run.id, server, ...backup });
    }
    if (files.size === 0) continue;
    if (run.status === 'done') result.files.push(...files.values());
    else result.keptRuns.push({ runId: run.id, procedure: run.procedure, status: run.status, files: files.size });
  }
  return result;
}
