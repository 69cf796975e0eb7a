// Seed the mirror (the seed's backup/restore section): no application on the mirror, FULL
// recovery, full + log backup per database, restore in order WITH NORECOVERY, plus any log backup
// someone else took meanwhile.
import type { MirrorbookConfig } from '../config/types.js';
import type { RunbookDefinition, StepDefinition } from '../machines/runbook.js';
import { backupFull, backupLog } from '../steps/backup-database.js';
import { checkNoApplicationSessions } from '../steps/check-no-application-sessions.js';
import { confirmOverwriteMirrorCopies, restoreFull, restoreLogs } from '../steps/restore-database.js';
import { setRecoveryFull } from '../steps/set-recovery-full.js';

/** `runStartedAt`: when the run began (pinned on resume), so a backup this run already took is not taken again. */
export function restoreSteps(config: MirrorbookConfig, runStartedAt: Date): StepDefinition[] {
  const steps: StepDefinition[] = [
    checkNoApplicationSessions(config.databases, config.applicationPrograms),
    confirmOverwriteMirrorCopies(config.databases, config.pair.mirror.instance),
  ];
  for (const database of config.databases) {
    steps.push(setRecoveryFull(database), backupFull(config.backup, database, runStartedAt), backupLog(config.backup, database), restoreFull(config.backup, database), restoreLogs(config.backup, database));
  }
  return steps;
}

export function restore(config: MirrorbookConfig, runStartedAt: Date): RunbookDefinition {
  return { name: 'restore', title: 'Seed the mirror from full and log backups (WITH NORECOVERY)', steps: restoreSteps(config, runStartedAt) };
}
