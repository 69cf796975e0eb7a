// Full and first log backup on the principal: what the mirror is seeded from.
import type { BackupConfig } from '../config/types.js';
import type { StepContext, StepDefinition } from '../machines/runbook.js';
import { fullBackupPath, logBackupPath } from './backup-paths.js';
import { isMirrored, readDatabase } from './database-state.js';
import { withProgress } from './progress.js';
import { firstRow } from './step.js';
import { id, lit, tsql, type Statement } from './tsql.js';

/** Seeding is behind us once the mirror copy is RESTORING or already mirrored. */
async function mirrorSeeded(ctx: StepContext, database: string) {
  const mirror = await readDatabase(ctx, 'mirror', database);
  if (isMirrored(mirror)) return { done: true, detail: `${database} is already mirrored` };
  if (mirror?.state_desc === 'RESTORING') return { done: true, detail: `${database} on the mirror is already RESTORING from a full backup` };
  return undefined;
}

/**
 * A full backup at `path` that this run already took: after a crash between the end of BACKUP and
 * its outcome record, taking it again would rewrite the file for nothing. Both ages are durations
 * on one clock each (the server's for the backup, ours for the run), so clock skew does not matter.
 */
async function fullTakenDuringRun(ctx: StepContext, database: string, path: string, runStartedAt: Date) {
  const row = await firstRow<{ age_s: unknown }>(
    ctx,
    'principal',
    tsql`SELECT TOP 1 DATEDIFF(second, b.backup_start_date, GETDATE()) AS age_s FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = ${lit(database)} AND b.type = ${lit('D')} AND f.physical_device_name = ${lit(path)} ORDER BY b.backup_finish_date DESC`,
  );
  if (!row) return undefined;
  const age = Number(row.age_s);
  const runAge = (Date.now() - runStartedAt.getTime()) / 1000;
  // +1: DATEDIFF counts second boundaries crossed.
  return age <= runAge + 1 ? { done: true, detail: `this run already took the full backup of ${database} to ${path} (${age} s ago)` } : undefined;
}

function backupStep(kind: 'full' | 'log', database: string, statement: Statement, path: string, runStartedAt?: Date): StepDefinition {
  const type = kind === 'full' ? 'D' : 'L';
  const latest = tsql`SELECT TOP 1 b.backup_finish_date FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = ${lit(database)} AND b.type = ${lit(type)} AND f.physical_device_name = ${lit(path)} ORDER BY b.backup_finish_date DESC`;
  const logAfterFull = tsql`SELECT TOP 1 l.backup_set_id FROM msdb.dbo.backupset l WHERE l.database_name = ${lit(database)} AND l.type = ${lit('L')} AND l.backup_finish_date >= (SELECT MAX(b.backup_finish_date) FROM msdb.dbo.backupset b WHERE b.database_name = ${lit(database)} AND b.type = ${lit('D')})`;
  return {
    id: `principal.backup-${kind}.${database}`,
    title: `${kind === 'full' ? 'Full' : 'Log'} backup of ${database} to ${path} on the principal`,
    target: 'principal',
    async probe(ctx) {
      if (kind === 'log') {
        const mirror = await readDatabase(ctx, 'mirror', database);
        if (isMirrored(mirror)) return { done: true, detail: `${database} is already mirrored` };
        const after = await ctx.sql('principal', logAfterFull);
        return after.recordsets[0]?.[0] ? { done: true, detail: `a log backup of ${database} follows the full backup` } : { done: false, detail: `no log backup of ${database} after the full backup yet` };
      }
      return (
        (await mirrorSeeded(ctx, database)) ??
        (runStartedAt && (await fullTakenDuringRun(ctx, database, path, runStartedAt))) ?? { done: false, detail: `the mirror copy of ${database} is not seeded yet` }
      );
    },
    async apply(ctx) {
      await withProgress(ctx, 'principal', `BACKUP ${kind === 'full' ? 'DATABASE' : 'LOG'} ${database}`, ctx.sql('principal', statement));
    },
    async verify(ctx) {
      const result = await ctx.sql('principal', latest);
      const row = result.recordsets[0]?.[0];
      return row ? { done: true, detail: `backup of ${database} written to ${path}` } : { done: false, detail: `msdb.dbo.backupset has no ${kind} backup of ${database} at ${path}` };
    },
    plan: () => [{ target: 'principal', tsql: statement }],
  };
}

export function backupFull(backup: BackupConfig, database: string, runStartedAt: Date): StepDefinition {
  const path = fullBackupPath(backup, database);
  return backupStep('full', database, tsql`BACKUP DATABASE ${id('database', database)} TO DISK = ${lit(path)} WITH INIT, FORMAT, CHECKSUM, STATS = 10`, path, runStartedAt);
}

export function backupLog(backup: BackupConfig, database: string): StepDefinition {
  const path = logBackupPath(backup, database);
  return backupStep('log', database, tsql`BACKUP LOG ${id('database', database)} TO DISK = ${lit(path)} WITH INIT, CHECKSUM, STATS = 10`, path);
}
