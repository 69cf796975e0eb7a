// Which backups seed the mirror copy of a database, how the mirror reads them, and where their
// files go on the mirror.
// - seed: backup — the full backup this run took (its file name carries the run id).
// - seed: existing — the newest full backup in the principal's msdb whose file is still there
//   (dbatools' Restore-DbaDatabase -UseLastBackup), then every log backup after it.
// The mirror reads a file through the share (backup.mirrorReadsFrom) when its service account
// can; else from an operator's copy in backup.mirrorDirectory (steps/seed-copy.ts).
// Files go where the backup says unless that folder is missing on the mirror: then WITH MOVE to
// backup.mirrorDataPath / mirrorLogPath, else the mirror's default data and log folders.
import type { BackupConfig } from '../config/types.js';
import type { StepContext } from '../machines/procedure.js';
import { baseName, mirrorCopyPathOf, mirrorPathOf, seedBackupPath } from './backup-paths.js';
import { CheckFailedError, firstRow, rows } from './step.js';
import { joinTsql, lit, tsql, type Statement } from './tsql.js';

export interface BackupFile {
  path: string;
  position: number;
  firstLsn: bigint;
  lastLsn: bigint;
  copyOnly: boolean;
  kind: 'full' | 'log';
}

export const lsnOf = (value: unknown): bigint => BigInt(String(value ?? 0).split('.')[0] || '0');

interface BackupRow {
  physical_device_name: string;
  position: number;
  first_lsn: unknown;
  last_lsn: unknown;
  is_copy_only: unknown;
  type: string;
}

const toFile = (row: BackupRow): BackupFile => ({
  path: row.physical_device_name,
  position: Number(row.position) || 1,
  firstLsn: lsnOf(row.first_lsn),
  lastLsn: lsnOf(row.last_lsn),
  copyOnly: row.is_copy_only === true || row.is_copy_only === 1,
  kind: row.type === 'L' ? 'log' : 'full',
});

export function backupsQuery(database: string, type: 'D' | 'L'): Statement {
  return tsql`SELECT f.physical_device_name, b.position, b.type, b.first_lsn, b.last_lsn, b.is_copy_only, b.backup_finish_date FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = ${lit(database)} AND b.type = ${lit(type)} ORDER BY b.backup_finish_date DESC`;
}

/** xp_fileexist as the instance's service account sees it (a share it may not open looks absent). */
export async function fileVisible(ctx: StepContext, target: 'principal' | 'mirror', path: string): Promise<boolean> {
  const row = await firstRow<Record<string, unknown>>(ctx, target, tsql`EXEC master.dbo.xp_fileexist ${lit(path)}`);
  return Number(row?.['File Exists'] ?? 0) === 1;
}

/** The full backup this run took of `database`, as msdb on the principal lists it. */
export async function runFullBackup(ctx: StepContext, backup: BackupConfig, database: string): Promise<BackupFile | undefined> {
  const path = seedBackupPath(backup, database, 'full', ctx.runId).toLowerCase();
  const found = (await rows<BackupRow>(ctx, 'principal', backupsQuery(database, 'D'))).find((r) => r.physical_device_name.toLowerCase() === path);
  return found ? toFile(found) : undefined;
}

/** The newest full backup in msdb whose file the principal still has. */
export async function newestUsableFull(ctx: StepContext, database: string): Promise<BackupFile | undefined> {
  for (const row of await rows<BackupRow>(ctx, 'principal', backupsQuery(database, 'D'))) {
    if (await fileVisible(ctx, 'principal', row.physical_device_name)) return toFile(row);
  }
  return undefined;
}

/** The full backup the mirror copy is (to be) seeded from. */
export async function seedFull(ctx: StepContext, backup: BackupConfig, database: string): Promise<BackupFile> {
  const full = backup.seed === 'existing' ? await newestUsableFull(ctx, database) : await runFullBackup(ctx, backup, database);
  if (full) return full;
  throw backup.seed === 'existing'
    ? new CheckFailedError(
        `msdb on the principal lists no full backup of ${database} whose file is still there`,
        'take a full backup of it (or set backup.seed: backup so that mirrorbook takes one), then resume',
      )
    : new CheckFailedError(
        `msdb on the principal has no record of this run's full backup of ${database}`,
        'run the procedure from its start so that the full backup is taken first',
      );
}

/** Every log backup that ends after `afterLsn`, oldest first (a scheduled job's too). */
export async function logBackupsAfter(ctx: StepContext, database: string, afterLsn: bigint): Promise<BackupFile[]> {
  const all = (await rows<BackupRow>(ctx, 'principal', backupsQuery(database, 'L'))).map(toFile);
  return all.filter((f) => f.lastLsn > afterLsn).sort((a, b) => (a.firstLsn < b.firstLsn ? -1 : a.firstLsn > b.firstLsn ? 1 : 0));
}

/** Where the mirror reads `file`: through the share, else the operator's copy; undefined when neither is there. */
export async function mirrorReadablePath(ctx: StepContext, backup: BackupConfig, file: BackupFile): Promise<string | undefined> {
  for (const path of [mirrorPathOf(backup, file.path), mirrorCopyPathOf(backup, file.path)]) {
    if (await fileVisible(ctx, 'mirror', path)) return path;
  }
  return undefined;
}

export async function requireMirrorPath(ctx: StepContext, backup: BackupConfig, file: BackupFile): Promise<string> {
  const path = await mirrorReadablePath(ctx, backup, file);
  if (path) return path;
  throw new CheckFailedError(
    `the mirror cannot read the ${file.kind} backup ${file.path} (it looked for ${mirrorPathOf(backup, file.path)} and ${mirrorCopyPathOf(backup, file.path)})`,
    `copy ${file.path} from the principal to ${mirrorPathOf(backup, file.path)}, where the mirror's service account reads backups (or to ${mirrorCopyPathOf(backup, file.path)} on the mirror when it cannot read ${backup.mirrorReadsFrom}), then resume`,
  );
}

interface FileListRow {
  LogicalName: string;
  PhysicalName: string;
  Type: string;
}

const folderOf = (path: string) => path.slice(0, path.lastIndexOf('\\'));

async function folderExists(ctx: StepContext, folder: string): Promise<boolean> {
  const row = await firstRow<Record<string, unknown>>(ctx, 'mirror', tsql`EXEC master.dbo.xp_fileexist ${lit(folder)}`);
  return Number(row?.['File is a Directory'] ?? 0) === 1;
}

/** The mirror's default data and log folders (SERVERPROPERTY, 2012+; before that master's folder). */
export async function mirrorDefaultPaths(ctx: StepContext): Promise<{ data: string; log: string }> {
  const row = await firstRow<{ d: string | null; l: string | null; m: string | null }>(
    ctx,
    'mirror',
    tsql`SELECT CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS nvarchar(260)) AS d, CAST(SERVERPROPERTY('InstanceDefaultLogPath') AS nvarchar(260)) AS l, (SELECT TOP 1 physical_name FROM sys.master_files WHERE database_id = 1 AND file_id = 1) AS m`,
  );
  const fallback = row?.m ? folderOf(row.m) : 'C:\\';
  const trim = (p: string | null | undefined) => (p ? p.replace(/\\+$/, '') : fallback);
  return { data: trim(row?.d), log: trim(row?.l ?? row?.d) };
}

/** `, MOVE N'logical' TO N'path'` for each file whose folder the mirror lacks (empty when all exist). */
export async function movesFor(ctx: StepContext, backup: BackupConfig, mirrorPath: string, position: number): Promise<{ clause: Statement; moved: string[] }> {
  const files = await rows<FileListRow>(ctx, 'mirror', tsql`RESTORE FILELISTONLY FROM DISK = ${lit(mirrorPath)} WITH FILE = ${position}`);
  const missing: FileListRow[] = [];
  for (const file of files) if (!(await folderExists(ctx, folderOf(file.PhysicalName)))) missing.push(file);
  if (missing.length === 0) return { clause: tsql``, moved: [] };
  const defaults = await mirrorDefaultPaths(ctx);
  const dataPath = backup.mirrorDataPath ?? defaults.data;
  const logPath = backup.mirrorLogPath ?? defaults.log;
  const moves = files.map((f) => ({ logical: f.LogicalName, to: `${f.Type === 'L' ? logPath : dataPath}\\${baseName(f.PhysicalName)}`, from: f.PhysicalName }));
  return {
    clause: joinTsql(
      moves.map((m) => tsql`, MOVE ${lit(m.logical)} TO ${lit(m.to)}`),
      '',
    ),
    moved: moves.map((m) => `${m.from} → ${m.to}`),
  };
}
