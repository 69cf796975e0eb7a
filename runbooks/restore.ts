// Seed the mirror (the seed's backup/restore section): no application on the mirror, FULL
// recovery, full + log backup per database (or, with backup.seed: existing, the newest usable
// backups msdb lists), the files made readable on the mirror (by hand where it cannot read the
// share), restore in order WITH NORECOVERY, plus any log backup someone else took meanwhile.
import type { MirrorbookConfig } from '../config/types.js';
import type { ProcedureDefinition, StepDefinition } from '../machines/procedure.js';
import { backupFull, backupLog } from '../steps/backup-database.js';
import { checkNoApplicationSessions } from '../steps/check-no-application-sessions.js';
import { confirmOverwriteMirrorCopies, restoreFull, restoreLogs } from '../steps/restore-database.js';
import { setRecoveryFull } from '../steps/set-recovery-full.js';
import { copySeedBackups } from '../steps/seed-copy.js';

export function restoreSteps(config: MirrorbookConfig): StepDefinition[] {
  const steps: StepDefinition[] = [
    checkNoApplicationSessions(config.databases, config.applicationPrograms),
    confirmOverwriteMirrorCopies(config.databases, config.pair.mirror.instance),
  ];
  for (const database of config.databases) {
    const backups = config.backup.seed === 'existing' ? [] : [backupFull(config.backup, database), backupLog(config.backup, database)];
    steps.push(
      setRecoveryFull(database),
      ...backups,
      copySeedBackups(config.backup, database, config.pair.principal.instance, config.pair.mirror.instance),
      restoreFull(config.backup, database),
      restoreLogs(config.backup, database),
    );
  }
  return steps;
}

export function restore(config: MirrorbookConfig): ProcedureDefinition {
  return { name: 'restore', title: 'Seed the mirror from full and log backups (WITH NORECOVERY)', steps: restoreSteps(config) };
}
