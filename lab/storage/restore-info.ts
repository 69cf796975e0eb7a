// RESTORE FILELISTONLY / HEADERONLY / VERIFYONLY: read the media, change nothing.

import type { Column, SqlType, SqlValue } from '../tds/handler.js';
import type { BackupSet } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { backupDirectory } from '../instance/database.js';
import { backupSetAt, readMedia, type BackupMedia } from './media.js';
import { asTerminating, type StorageCommand } from './messages.js';
import { pagesOf } from './messages.js';

const nvarchar = (length: number): SqlType => ({ type: 'nvarchar', length });
const numeric = (precision: number): SqlType => ({ type: 'numeric', precision, scale: 0 });
const col = (name: string, sqlType: SqlType, nullable = true): Column => ({ name, sqlType, nullable });

function withMedia(env: ExecEnv, command: StorageCommand, disk: string, use: (media: BackupMedia) => void): void {
  try {
    use(readMedia(env.lab, env.instance, disk, backupDirectory(env.instance)));
  } catch (error) {
    throw asTerminating(command, error, disk);
  }
}

export function restoreFileListOnly(env: ExecEnv, disk: string, file?: number): void {
  withMedia(env, 'RESTORE FILELISTONLY', disk, (media) => {
    const set = backupSetAt(media, disk, file);
    const columns = [
      col('LogicalName', nvarchar(128), false),
      col('PhysicalName', nvarchar(260), false),
      col('Type', { type: 'char', length: 1 }, false),
      col('FileGroupName', nvarchar(128)),
      col('Size', numeric(20), false),
      col('MaxSize', numeric(20), false),
      col('FileId', { type: 'bigint' }, false),
      col('BackupSizeInBytes', { type: 'bigint' }, false),
    ];
    const rows: SqlValue[][] = set.files.map((f, i) => [
      f.logicalName,
      f.physicalName,
      f.type,
      f.type === 'D' ? 'PRIMARY' : f.type === 'S' ? (f.filegroup ?? null) : null,
      f.sizeMB * 1_048_576,
      35_184_372_080_640,
      BigInt(i + 1),
      BigInt(pagesOf(f.type === 'D' ? f.sizeMB : 0.016) * 8192),
    ]);
    env.emit({ kind: 'rows', columns, rows });
  });
}

export function restoreHeaderOnly(env: ExecEnv, disk: string): void {
  withMedia(env, 'RESTORE HEADERONLY', disk, (media) => {
    const columns = [
      col('BackupName', nvarchar(128)),
      col('BackupType', { type: 'smallint' }),
      col('Position', { type: 'smallint' }),
      col('DeviceType', { type: 'tinyint' }),
      col('ServerName', nvarchar(128)),
      col('DatabaseName', nvarchar(128)),
      col('BackupSize', numeric(20)),
      col('FirstLSN', numeric(25)),
      col('LastLSN', numeric(25)),
      col('CheckpointLSN', numeric(25)),
      col('DatabaseBackupLSN', numeric(25)),
      col('BackupStartDate', { type: 'datetime' }),
      col('BackupFinishDate', { type: 'datetime' }),
      col('RecoveryModel', nvarchar(60)),
      col('FamilyGUID', { type: 'uniqueidentifier' }),
      col('RecoveryForkID', { type: 'uniqueidentifier' }),
      col('IsCopyOnly', { type: 'bit' }),
      col('BackupTypeDescription', nvarchar(60)),
      // "Byte count of the backup set. For uncompressed backups, this value is the same as
      // BackupSize" (2008+; learn.microsoft.com: RESTORE HEADERONLY); the lab's compressed media take a third.
      col('CompressedBackupSize', numeric(20)),
    ];
    const rows: SqlValue[][] = media.media.map((s: BackupSet) => [
      null,
      s.type === 'FULL' ? 1 : 2,
      s.position,
      2,
      s.serverName ?? null,
      s.database,
      Math.round(s.sizeMB * 1_048_576),
      s.firstLsn,
      s.lastLsn,
      s.firstLsn,
      s.databaseBackupLsn,
      new Date(s.startedAt),
      new Date(s.finishedAt),
      s.recoveryModel ?? 'FULL',
      s.familyGuid ?? s.databaseGuid,
      s.recoveryForkGuid,
      s.copyOnly ?? false,
      s.type === 'FULL' ? 'Database' : 'Transaction Log',
      Math.round((s.compressed ? s.sizeMB / 3 : s.sizeMB) * 1_048_576),
    ]);
    env.emit({ kind: 'rows', columns, rows });
  });
}

export function restoreVerifyOnly(env: ExecEnv, disk: string, file?: number): void {
  withMedia(env, 'RESTORE VERIFYONLY', disk, (media) => {
    const set = backupSetAt(media, disk, file);
    env.info(3262, `The backup set on file ${set.position} is valid.`);
  });
}
