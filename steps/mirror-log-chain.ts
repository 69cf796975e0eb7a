// The mirror copy's log chain: which log backups the principal took after the full backup the copy
// was restored from (msdb.dbo.backupset — a scheduled job's too), how far the mirror copy has
// restored (msdb.dbo.restorehistory), and restoring the rest in order WITH NORECOVERY. Shared by the
// restore procedure and by enable, which catches up when a log backup lands mid-setup (1478/1412).
import type { BackupConfig } from '../config/types.js';
import type { StepContext } from '../machines/procedure.js';
import { seedBackupPath, RUN_ID_PLACEHOLDER } from './backup-paths.js';
import { backupsQuery, logBackupsAfter, lsnOf, newestUsableFull, requireMirrorPath, seedFull, type BackupFile } from './seed-source.js';
import { rows } from './step.js';
import { id, lit, tsql, type Statement } from './tsql.js';

export function logBackupsQuery(database: string): Statement {
  return backupsQuery(database, 'L');
}

export function restoreLogStatement(database: string, path: string, position: number): Statement {
  return tsql`RESTORE LOG ${id('database', database)} FROM DISK = ${lit(path)} WITH FILE = ${position}, NORECOVERY, STATS = 10`;
}

/** The planned form of the log restores (the files are known only at apply time). */
export function plannedLogRestore(backup: BackupConfig, database: string): Statement {
  return restoreLogStatement(database, seedBackupPath(backup, database, 'log', RUN_ID_PLACEHOLDER), 1);
}

/** The last LSN restored into the mirror copy; undefined when the mirror keeps no restore history. */
async function restoredUpTo(ctx: StepContext, database: string): Promise<bigint | undefined> {
  try {
    const restored = await rows<{ last_lsn: unknown }>(
      ctx,
      'mirror',
      tsql`SELECT TOP 1 b.last_lsn FROM msdb.dbo.restorehistory r JOIN msdb.dbo.backupset b ON b.backup_set_id = r.backup_set_id WHERE r.destination_database_name = ${lit(database)} ORDER BY r.restore_history_id DESC`,
    );
    return restored[0] ? lsnOf(restored[0].last_lsn) : undefined;
  } catch {
    return undefined;
  }
}

/** The end of the full backup the mirror copy was restored from (its restore history), else of the
 * one this run seeds from. */
async function restoredFullUpTo(ctx: StepContext, backup: BackupConfig, database: string): Promise<bigint> {
  try {
    const [row] = await rows<{ last_lsn: unknown }>(
      ctx,
      'mirror',
      tsql`SELECT TOP 1 b.last_lsn FROM msdb.dbo.restorehistory r JOIN msdb.dbo.backupset b ON b.backup_set_id = r.backup_set_id WHERE r.destination_database_name = ${lit(database)} AND r.restore_type = ${lit('D')} ORDER BY r.restore_history_id DESC`,
    );
    if (row) return lsnOf(row.last_lsn);
  } catch {
    // no restore history on the mirror: fall back to what this run seeds from
  }
  return (await seedFull(ctx, backup, database)).lastLsn;
}

/** Every log backup after the full backup the mirror copy came from, in LSN order. */
export async function logBackupsAfterFull(ctx: StepContext, backup: BackupConfig, database: string): Promise<BackupFile[]> {
  return logBackupsAfter(ctx, database, await restoredFullUpTo(ctx, backup, database));
}

/** The log backups the mirror copy lacks. Without restore history (or in another run than the
 * seeding one): those after the newest full backup; 4326 skips any already in the copy. */
export async function missingLogBackups(ctx: StepContext, backup: BackupConfig, database: string): Promise<BackupFile[]> {
  const upTo = await restoredUpTo(ctx, database);
  if (upTo !== undefined) return logBackupsAfter(ctx, database, upTo);
  const full = await newestUsableFull(ctx, database);
  return full ? logBackupsAfter(ctx, database, full.lastLsn) : [];
}

/** Restores `logs` in order on the mirror, naming those someone else took; returns how many applied. */
export async function restoreLogBackups(ctx: StepContext, backup: BackupConfig, database: string, logs: BackupFile[]): Promise<number> {
  const ours = seedBackupPath(backup, database, 'log', ctx.runId).toLowerCase();
  const theirs = logs.filter((l) => l.path.toLowerCase() !== ours);
  if (theirs.length > 0) ctx.note(`restoring ${theirs.length} log backup(s) of ${database} taken by someone else: ${theirs.map((l) => l.path).join(', ')}`);
  let applied = 0;
  for (const [index, log] of logs.entries()) {
    ctx.progress({ percent: Math.round((index / logs.length) * 100), label: `RESTORE LOG ${database} ${index + 1}/${logs.length}` });
    const path = await requireMirrorPath(ctx, backup, log);
    try {
      await ctx.sql('mirror', restoreLogStatement(database, path, log.position));
      applied++;
    } catch (error) {
      // 4326: this log is already in the mirror copy (an earlier attempt restored it).
      if ((error as { number?: number }).number === 4326) continue;
      throw error;
    }
  }
  ctx.progress({ percent: 100, label: `RESTORE LOG ${database}` });
  return applied;
}
