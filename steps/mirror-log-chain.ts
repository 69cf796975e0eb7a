// The mirror copy's log chain: which log backups the principal took after our full backup
// (msdb.dbo.backupset — a scheduled job's too), how far the mirror copy has restored
// (msdb.dbo.restorehistory), and restoring the rest in order WITH NORECOVERY. Shared by the
// restore procedure and by enable, which catches up when a log backup lands mid-setup (1478/1412).
import type { BackupConfig } from '../config/types.js';
import type { StepContext } from '../machines/runbook.js';
import { fullBackupPath, logBackupPath, mirrorPathOf } from './backup-paths.js';
import { CheckFailedError, rows } from './step.js';
import { id, lit, tsql, type Statement } from './tsql.js';

export interface LogBackupRow {
  position: number;
  first_lsn: unknown;
  last_lsn: unknown;
  physical_device_name: string;
  backup_finish_date: unknown;
}

const lsn = (value: unknown): bigint => BigInt(String(value ?? 0).split('.')[0] || '0');

export function logBackupsQuery(backup: BackupConfig, database: string): Statement {
  const fullPath = fullBackupPath(backup, database);
  return tsql`SELECT b.position, b.first_lsn, b.last_lsn, f.physical_device_name, b.backup_finish_date FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = ${lit(database)} AND b.type = ${lit('L')} AND b.last_lsn > (SELECT MAX(d.last_lsn) FROM msdb.dbo.backupset d JOIN msdb.dbo.backupmediafamily df ON df.media_set_id = d.media_set_id WHERE d.database_name = ${lit(database)} AND d.type = ${lit('D')} AND df.physical_device_name = ${lit(fullPath)}) ORDER BY b.first_lsn`;
}

export function restoreLogStatement(database: string, path: string, position: number): Statement {
  return tsql`RESTORE LOG ${id('database', database)} FROM DISK = ${lit(path)} WITH FILE = ${position}, NORECOVERY, STATS = 10`;
}

/** Every log backup after our full backup, in LSN order. */
export function logBackupsAfterFull(ctx: StepContext, backup: BackupConfig, database: string): Promise<LogBackupRow[]> {
  return rows<LogBackupRow>(ctx, 'principal', logBackupsQuery(backup, database));
}

/** The last LSN restored into the mirror copy; undefined when the mirror keeps no restore history. */
async function restoredUpTo(ctx: StepContext, database: string): Promise<bigint | undefined> {
  try {
    const restored = await rows<{ last_lsn: unknown }>(
      ctx,
      'mirror',
      tsql`SELECT TOP 1 b.last_lsn FROM msdb.dbo.restorehistory r JOIN msdb.dbo.backupset b ON b.backup_set_id = r.backup_set_id WHERE r.destination_database_name = ${lit(database)} ORDER BY r.restore_history_id DESC`,
    );
    return restored[0] ? lsn(restored[0].last_lsn) : undefined;
  } catch {
    return undefined;
  }
}

/** The log backups the mirror copy lacks (all of them when it keeps no history: 4326 skips the rest). */
export async function missingLogBackups(ctx: StepContext, backup: BackupConfig, database: string): Promise<LogBackupRow[]> {
  const logs = await logBackupsAfterFull(ctx, backup, database);
  const upTo = await restoredUpTo(ctx, database);
  return upTo === undefined ? logs : logs.filter((l) => lsn(l.last_lsn) > upTo);
}

/** Restores `logs` in order on the mirror, naming those someone else took; returns how many applied. */
export async function restoreLogBackups(ctx: StepContext, backup: BackupConfig, database: string, logs: LogBackupRow[]): Promise<number> {
  const ours = logBackupPath(backup, database).toLowerCase();
  const theirs = logs.filter((l) => l.physical_device_name.toLowerCase() !== ours);
  if (theirs.length > 0) ctx.note(`restoring ${theirs.length} log backup(s) of ${database} taken by someone else: ${theirs.map((l) => l.physical_device_name).join(', ')}`);
  let applied = 0;
  for (const [index, log] of logs.entries()) {
    ctx.progress({ percent: Math.round((index / logs.length) * 100), label: `RESTORE LOG ${database} ${index + 1}/${logs.length}` });
    const path = mirrorPathOf(backup, log.physical_device_name);
    try {
      await ctx.sql('mirror', restoreLogStatement(database, path, Number(log.position) || 1));
      applied++;
    } catch (error) {
      const number = (error as { number?: number }).number;
      // 4326: this log is already in the mirror copy (an earlier attempt restored it).
      if (number === 4326) continue;
      if (number === 3201 && path !== log.physical_device_name) {
        throw new CheckFailedError(
          `the mirror cannot read the log backup ${log.physical_device_name} of ${database} (it looked for ${path})`,
          `copy ${log.physical_device_name} from the principal to ${path}, where the mirror's service account reads backups, then resume`,
        );
      }
      throw error;
    }
  }
  ctx.progress({ percent: 100, label: `RESTORE LOG ${database}` });
  return applied;
}
