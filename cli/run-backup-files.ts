// The seeding backup files this store's runs wrote on a pair, for `run cleanup --remove-backups`:
// read from the audit trail (a BACKUP statement a run sent that the server completed), each kept
// only when its file name is that run's own (steps/backup-paths.ts). Nothing else is ever listed.
import type { Store } from '../store/index.js';
import { isRunSeedFile, seedBackupOf } from '../steps/backup-paths.js';
import type { RunBackupFile } from '../steps/remove-backup-files.js';

export function runBackupFiles(store: Store, pairKey: string): RunBackupFile[] {
  const files = new Map<string, RunBackupFile>();
  for (const run of store.runs.list().filter((r) => r.pairKey === pairKey)) {
    for (const record of store.audit.forRun(run.id)) {
      if (record.kind !== 'statement' || record.result !== 'ok' || (record.target !== 'principal' && record.target !== 'mirror') || record.sql === null) continue;
      const backup = seedBackupOf(record.sql);
      if (!backup || !isRunSeedFile(backup.path, backup.database, run.id)) continue;
      files.set(`${record.target}:${backup.path.toLowerCase()}`, { runId: run.id, target: record.target, ...backup });
    }
  }
  return [...files.values()];
}
