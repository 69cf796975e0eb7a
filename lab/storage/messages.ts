// SQL Server's backup/restore/database messages, worded as the engine words them.

import { SqlError } from '../errors.js';
import type { BackupSet, DatabaseState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { FileSystemError } from './files.js';

export type StorageCommand =
  | 'BACKUP DATABASE'
  | 'BACKUP LOG'
  | 'RESTORE DATABASE'
  | 'RESTORE LOG'
  | 'RESTORE HEADERONLY'
  | 'RESTORE FILELISTONLY'
  | 'RESTORE VERIFYONLY';

export const terminatingAbnormally = (command: StorageCommand) => new SqlError(3013, `${command} is terminating abnormally.`);

/** Every BACKUP/RESTORE failure is followed by 3013; OS failures become 3201 on the device. */
export function asTerminating(command: StorageCommand, error: unknown, device?: string): unknown {
  const primary = error instanceof FileSystemError && device !== undefined ? cannotOpenDevice(device, error) : error;
  if (!(primary instanceof SqlError) || primary.followUps.some((f) => f.number === 3013)) return primary;
  return new SqlError(primary.number, primary.message, {
    class: primary.class,
    state: primary.state,
    followUps: [...primary.followUps, terminatingAbnormally(command)],
  });
}

export const cannotOpenDevice = (device: string, os: FileSystemError) =>
  new SqlError(3201, `Cannot open backup device '${device}'. Operating system error ${os.osError}(${os.osMessage}).`, { state: 1 });

export const databaseDoesNotExist = (name: string) => new SqlError(911, `Database '${name}' does not exist. Make sure that the name is entered correctly.`);

export const cannotAlterDatabase = (name: string) =>
  new SqlError(
    5011,
    `User does not have permission to alter database '${name}', the database does not exist, or the database is not in a state that allows access checks.`,
    { class: 14, followUps: [alterFailed()] },
  );

export const alterFailed = () => new SqlError(5069, 'ALTER DATABASE statement failed.');

export const inMirroringSession = (name: string) =>
  new SqlError(
    1468,
    `The operation cannot be performed on database "${name}" because it is involved in a database mirroring session or an availability group. Some operations are not allowed on a database that is participating in a database mirroring session or in an availability group.`,
    { followUps: [alterFailed()] },
  );

export const middleOfRestore = (name: string) => new SqlError(927, `Database '${name}' cannot be opened. It is in the middle of a restore.`, { class: 14 });
export const actingAsMirror = (name: string) => new SqlError(954, `The database "${name}" cannot be opened. It is acting as a mirror database.`, { class: 14 });
export const databaseOffline = (name: string) => new SqlError(942, `Database '${name}' cannot be opened because it is offline.`, { class: 14 });

/** Pages of 8 KB, as the 4035/3014 messages count them. */
export const pagesOf = (sizeMB: number) => Math.max(1, Math.round(sizeMB * 128));

export function processedSummary(command: StorageCommand, pages: number, ms: number): string {
  const seconds = Math.max(ms, 1) / 1000;
  const mbPerSec = (pages * 8) / 1024 / seconds;
  return `${command} successfully processed ${pages} pages in ${seconds.toFixed(3)} seconds (${mbPerSec.toFixed(3)} MB/sec).`;
}

/** The 4035 line per file a backup set covers, then the 3014 summary — as BACKUP and RESTORE both report. */
export function reportPagesProcessed(env: ExecEnv, command: StorageCommand, database: DatabaseState, set: BackupSet, ms: number): void {
  let total = 0;
  for (const file of database.files) {
    if (set.type === 'LOG' && file.type === 'D') continue;
    const pages = set.type === 'LOG' ? pagesOf(set.sizeMB) : file.type === 'D' ? pagesOf(file.sizeMB) : 2;
    total += pages;
    env.info(4035, `Processed ${pages} pages for database '${database.name}', file '${file.logicalName}' on file ${set.position}.`);
  }
  env.info(3014, processedSummary(command, total, ms));
}
