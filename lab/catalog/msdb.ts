// msdb.dbo.backupset and msdb.dbo.backupmediafamily: the backups this instance wrote, read back from
// the backup media on every host (the lab keeps no separate history table). A backup belongs here
// when it is of a local database (same database_guid) and this server wrote it (serverName; for
// media without one, taken after the local copy came to be — a restored mirror copy does not
// inherit the principal's backup history).

import type { BackupSet, DatabaseState } from '../model.js';
import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { versionFacts } from '../instance/version.js';
import { bit, date, datetime, int, lsn, nvarchar, numeric, tinyint, uniqueidentifier, char } from './columns.js';
import type { CatalogContext } from './context.js';
import { compatibilityLevel } from './databases.js';

interface Written {
  set: BackupSet;
  path: string;
  database: DatabaseState;
}

function writtenHere(ctx: CatalogContext): Written[] {
  const local = Object.values(ctx.instance.databases);
  const found: Written[] = [];
  for (const host of Object.values(ctx.lab.hosts)) {
    for (const entry of Object.values(host.files)) {
      if (entry.kind !== 'backup') continue;
      for (const set of entry.media) {
        const database = local.find((candidate) => candidate.databaseGuid === set.databaseGuid && candidate.name.toLowerCase() === set.database.toLowerCase());
        if (database && (set.serverName === undefined ? set.startedAt >= database.createDate : set.serverName.toLowerCase() === ctx.instance.name.toLowerCase())) found.push({ set, path: devicePath(ctx, host.name, entry.path), database });
      }
    }
  }
  return found.sort((a, b) => a.set.finishedAt.localeCompare(b.set.finishedAt) || a.set.position - b.set.position);
}

/** A file on another host is reached through its administrative share (\\HOST\E$\…). */
function devicePath(ctx: CatalogContext, hostName: string, localPath: string): string {
  if (hostName.toUpperCase() === ctx.instance.host.toUpperCase()) return localPath;
  return `\\\\${hostName}\\${localPath.replace(/^([A-Za-z]):/, '$1$$')}`;
}

function mediaSetIds(written: Written[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const w of written) if (!ids.has(w.path.toUpperCase())) ids.set(w.path.toUpperCase(), ids.size + 1);
  return ids;
}

export function msdbBackupset(ctx: CatalogContext): Relation {
  const columns = [
    int('backup_set_id'), uniqueidentifier('backup_set_uuid'), int('media_set_id'), int('position', true), nvarchar('name', 128), nvarchar('description', 255),
    nvarchar('user_name', 128), tinyint('software_major_version', true), datetime('backup_start_date', true), datetime('backup_finish_date', true),
    char('type', 1, true), { ...lsn('first_lsn'), nullable: true }, { ...lsn('last_lsn'), nullable: true }, { ...lsn('checkpoint_lsn'), nullable: true },
    { ...lsn('database_backup_lsn'), nullable: true }, datetime('database_creation_date', true), tinyint('compatibility_level', true),
    nvarchar('database_name', 128), nvarchar('server_name', 128), nvarchar('machine_name', 128), nvarchar('recovery_model', 60),
    numeric('backup_size', 20, 0), numeric('compressed_backup_size', 20, 0), bit('is_copy_only', true), uniqueidentifier('database_guid', true),
    uniqueidentifier('family_guid', true), uniqueidentifier('first_recovery_fork_guid', true), uniqueidentifier('last_recovery_fork_guid', true), bit('has_backup_checksums', true),
  ];
  const written = writtenHere(ctx);
  const media = mediaSetIds(written);
  const rows = written.map(({ set, path, database }, index): SqlValue[] => {
    const bytes = Math.round(set.sizeMB * 1024 * 1024);
    return [
      index + 1, `${set.databaseGuid.slice(0, 24)}${String(index + 1).padStart(12, '0')}`, media.get(path.toUpperCase()) ?? 0, set.position, null, null,
      ctx.session.login, versionFacts(ctx.instance.version).major, date(set.startedAt), date(set.finishedAt),
      set.type === 'FULL' ? 'D' : 'L', set.firstLsn, set.lastLsn, set.type === 'FULL' ? set.firstLsn : set.databaseBackupLsn, set.databaseBackupLsn,
      date(database.createDate), compatibilityLevel(ctx.instance), set.database, ctx.instance.name, ctx.instance.host, database.recoveryModel,
      bytes, bytes, false, set.databaseGuid, database.familyGuid, set.recoveryForkGuid, set.recoveryForkGuid, false,
    ];
  });
  return { columns, rows };
}

export function msdbBackupmediafamily(ctx: CatalogContext): Relation {
  const columns = [
    int('media_set_id'), tinyint('family_sequence_number'), uniqueidentifier('media_family_id', true), int('media_count', true), nvarchar('logical_device_name', 128),
    nvarchar('physical_device_name', 260), tinyint('device_type', true), int('physical_block_size', true), tinyint('mirror'),
  ];
  const written = writtenHere(ctx);
  const rows: SqlValue[][] = [];
  for (const [key, id] of mediaSetIds(written)) {
    const path = written.find((w) => w.path.toUpperCase() === key)?.path ?? key;
    rows.push([id, 1, null, 1, null, path, 2, 512, 0]);
  }
  return { columns, rows };
}
