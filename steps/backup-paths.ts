// Backup files as the seed names them (.dat, log backups beside the full backup), and how the
// mirror reaches a file the principal wrote.
import type { BackupConfig } from '../config/types.js';

function trimSlash(path: string): string {
  return path.replace(/\\+$/, '');
}

export function fullBackupPath(backup: BackupConfig, database: string): string {
  return `${trimSlash(backup.directory)}\\${database}.dat`;
}

export function logBackupPath(backup: BackupConfig, database: string): string {
  return `${trimSlash(backup.directory)}\\${database}_log.dat`;
}

/** The path the mirror's service account uses for a file the principal wrote at `path`. */
export function mirrorPathOf(backup: BackupConfig, path: string): string {
  if (path.startsWith('\\\\')) return path;
  const dir = trimSlash(backup.directory);
  if (path.toLowerCase().startsWith(dir.toLowerCase() + '\\')) return trimSlash(backup.mirrorReadsFrom) + path.slice(dir.length);
  // A log backup someone else wrote elsewhere: expected beside ours (the hint for 3201 says so).
  return `${trimSlash(backup.mirrorReadsFrom)}\\${path.slice(path.lastIndexOf('\\') + 1)}`;
}
