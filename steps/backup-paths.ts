// Backup files a run writes for seeding, and how the mirror reaches a file the principal wrote.
// The names carry the run id (Patriot_mirrorbook_20261204-051500-ab12.bak): never the name of a
// file the site keeps (Patriot.dat, a job's .bak), so nothing of the site's is overwritten, and
// `cleanup` can tell the run's own files from everyone else's.
import type { BackupConfig } from '../config/types.js';

/** Stands for the run id in plans, which are shown before a run exists. */
export const RUN_ID_PLACEHOLDER = '<run id>';

/** What every seeding file name contains, for cleanup to find them (and nothing else). */
export const SEED_FILE_MARK = '_mirrorbook_';

function trimSlash(path: string): string {
  return path.replace(/\\+$/, '');
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

export function seedBackupPath(backup: BackupConfig, database: string, kind: 'full' | 'log', runId: string): string {
  return `${trimSlash(backup.directory)}\\${database}${SEED_FILE_MARK}${runId}.${kind === 'full' ? 'bak' : 'trn'}`;
}

/** The path the mirror's service account uses for a file the principal wrote at `path` (the share). */
export function mirrorPathOf(backup: BackupConfig, path: string): string {
  if (path.startsWith('\\\\')) return path;
  const dir = trimSlash(backup.directory);
  if (path.toLowerCase().startsWith(dir.toLowerCase() + '\\')) return trimSlash(backup.mirrorReadsFrom) + path.slice(dir.length);
  // A log backup someone else wrote elsewhere: expected beside ours (the hint for 3201 says so).
  return `${trimSlash(backup.mirrorReadsFrom)}\\${baseName(path)}`;
}

/** Where an operator copies the backups on the mirror when its service account cannot read the share. */
export function mirrorCopyDirectory(backup: BackupConfig): string {
  return trimSlash(backup.mirrorDirectory ?? backup.directory);
}

export function mirrorCopyPathOf(backup: BackupConfig, path: string): string {
  return `${mirrorCopyDirectory(backup)}\\${baseName(path)}`;
}

/** What a SQLCMD script (plan --format sqlcmd) names its seeding files: it has no run id. */
export const SCRIPT_RUN_ID = 'script';

/** The database, kind and file of a seeding BACKUP statement as a run sent it (fullBackupStatement,
 * logBackupStatement), read back from the audit trail; undefined for any other statement. */
export function seedBackupOf(sql: string): { database: string; kind: 'full' | 'log'; path: string } | undefined {
  const m = /^BACKUP (DATABASE|LOG) \[((?:[^\]]|\]\])+)\] TO DISK = N'((?:[^']|'')*)' WITH /.exec(sql);
  if (!m) return undefined;
  return { database: m[2]!.replaceAll(']]', ']'), kind: m[1] === 'DATABASE' ? 'full' : 'log', path: m[3]!.replaceAll("''", "'") };
}

/** Whether `path` is a file that run `runId` names its seeding backups by (never another's). */
export function isRunSeedFile(path: string, database: string, runId: string): boolean {
  const name = baseName(path).toLowerCase();
  return name === `${database}${SEED_FILE_MARK}${runId}.bak`.toLowerCase() || name === `${database}${SEED_FILE_MARK}${runId}.trn`.toLowerCase();
}
