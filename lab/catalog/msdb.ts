// msdb.dbo.backupset, backupmediafamily and restorehistory, read back from the backup media on
// every host (the lab keeps no separate history tables).
// - Backups this server wrote: sets of a local database (same database_guid) that this server
//   wrote (serverName; for media without one, taken after the local copy came to be).
// - Backups restored here: while a local copy is being restored (RESTORING), the full backup it
//   started from and the log backups up to what it holds — as RESTORE records them in msdb, with
//   a restorehistory row each.

import type { BackupSet, DatabaseState } from '../model.js';
import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { versionFacts } from '../instance/version.js';
import { bit, date, datetime, hex, int, lsn, nvarchar, numeric, tinyint, uniqueidentifier, char, varbinary } from './columns.js';
import type { CatalogContext } from './context.js';
import { compatibilityLevel } from './databases.js';
import { MONITOR_JOB_NAME } from '../mirroring/monitor-status.js';
import { SA_SID, SCHEDULE_DEFAULTS, STEP_DEFAULTS } from '../instance/agent-jobs.js';

interface HistoryEntry {
  set: BackupSet;
  path: string;
  database: DatabaseState;
  restored: boolean;
}

interface Media {
  set: BackupSet;
  path: string;
}

/** Every backup set once, where it was written: a copy of a backup file (Explorer, robocopy) is
 * not a backup msdb knows of. */
function allMedia(ctx: CatalogContext): Media[] {
  const found: Media[] = [];
  for (const host of Object.values(ctx.lab.hosts)) {
    for (const entry of Object.values(host.files)) {
      if (entry.kind !== 'backup' || entry.copyOf !== undefined) continue;
      for (const set of entry.media) found.push({ set, path: devicePath(ctx, host.name, entry.path) });
    }
  }
  return found;
}

function sameDatabase(database: DatabaseState, set: BackupSet): boolean {
  return database.databaseGuid === set.databaseGuid && database.name.toLowerCase() === set.database.toLowerCase();
}

function history(ctx: CatalogContext): HistoryEntry[] {
  const media = allMedia(ctx);
  const entries: HistoryEntry[] = [];
  for (const database of Object.values(ctx.instance.databases)) {
    for (const { set, path } of media) {
      if (!sameDatabase(database, set)) continue;
      const mine = set.serverName === undefined ? set.startedAt >= database.createDate : set.serverName.toLowerCase() === ctx.instance.name.toLowerCase();
      if (mine) entries.push({ set, path, database, restored: false });
    }
    entries.push(...restoredInto(database, media));
  }
  return entries.sort((a, b) => a.set.finishedAt.localeCompare(b.set.finishedAt) || a.set.position - b.set.position);
}

function restoredInto(database: DatabaseState, media: Media[]): HistoryEntry[] {
  const { restoredFromFullLsn: fullLsn, restoredThroughLsn: throughLsn } = database.log;
  if (database.state !== 'RESTORING' || fullLsn === null || throughLsn === null) return [];
  const seen = new Set<string>();
  const once = (m: Media): boolean => {
    const key = `${m.set.type}:${m.set.firstLsn}:${m.set.lastLsn}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const full = media.find((m) => m.set.type === 'FULL' && m.set.firstLsn === fullLsn && m.set.databaseGuid === database.databaseGuid);
  if (!full || !once(full)) return [];
  const logs = media
    .filter((m) => m.set.type === 'LOG' && m.set.databaseGuid === database.databaseGuid && m.set.lastLsn > full.set.lastLsn && m.set.lastLsn <= throughLsn)
    .sort((a, b) => a.set.lastLsn - b.set.lastLsn)
    .filter(once);
  return [full, ...logs].map((m) => ({ set: m.set, path: m.path, database, restored: true }));
}

/** A file on another host is reached through its administrative share (\\HOST\E$\…). */
function devicePath(ctx: CatalogContext, hostName: string, localPath: string): string {
  if (hostName.toUpperCase() === ctx.instance.host.toUpperCase()) return localPath;
  return `\\\\${hostName}\\${localPath.replace(/^([A-Za-z]):/, '$1$$')}`;
}

function mediaSetIds(entries: HistoryEntry[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const e of entries) if (!ids.has(e.path.toUpperCase())) ids.set(e.path.toUpperCase(), ids.size + 1);
  return ids;
}

export function msdbBackupset(ctx: CatalogContext): Relation {
  const columns = [
    int('backup_set_id'),
    uniqueidentifier('backup_set_uuid'),
    int('media_set_id'),
    int('position', true),
    nvarchar('name', 128),
    nvarchar('description', 255),
    nvarchar('user_name', 128),
    tinyint('software_major_version', true),
    datetime('backup_start_date', true),
    datetime('backup_finish_date', true),
    char('type', 1, true),
    { ...lsn('first_lsn'), nullable: true },
    { ...lsn('last_lsn'), nullable: true },
    { ...lsn('checkpoint_lsn'), nullable: true },
    { ...lsn('database_backup_lsn'), nullable: true },
    datetime('database_creation_date', true),
    tinyint('compatibility_level', true),
    nvarchar('database_name', 128),
    nvarchar('server_name', 128),
    nvarchar('machine_name', 128),
    nvarchar('recovery_model', 60),
    numeric('backup_size', 20, 0),
    numeric('compressed_backup_size', 20, 0),
    bit('is_copy_only', true),
    uniqueidentifier('database_guid', true),
    uniqueidentifier('family_guid', true),
    uniqueidentifier('first_recovery_fork_guid', true),
    uniqueidentifier('last_recovery_fork_guid', true),
    bit('has_backup_checksums', true),
  ];
  const entries = history(ctx);
  const media = mediaSetIds(entries);
  const rows = entries.map(({ set, path, database, restored }, index): SqlValue[] => {
    const bytes = Math.round(set.sizeMB * 1024 * 1024);
    const server = restored ? (set.serverName ?? null) : ctx.instance.name;
    return [
      index + 1,
      `${set.databaseGuid.slice(0, 24)}${String(index + 1).padStart(12, '0')}`,
      media.get(path.toUpperCase()) ?? 0,
      set.position,
      null,
      null,
      ctx.session.login,
      versionFacts(ctx.instance.version).major,
      date(set.startedAt),
      date(set.finishedAt),
      set.type === 'FULL' ? 'D' : 'L',
      set.firstLsn,
      set.lastLsn,
      set.type === 'FULL' ? set.firstLsn : set.databaseBackupLsn,
      set.databaseBackupLsn,
      date(database.createDate),
      compatibilityLevel(ctx.instance),
      set.database,
      server,
      server?.split('\\')[0] ?? null,
      set.recoveryModel ?? database.recoveryModel,
      bytes,
      set.compressed ? Math.round(bytes / 3) : bytes,
      set.copyOnly ?? false,
      set.databaseGuid,
      set.familyGuid ?? database.familyGuid,
      set.recoveryForkGuid,
      set.recoveryForkGuid,
      false,
    ];
  });
  return { columns, rows };
}

export function msdbBackupmediafamily(ctx: CatalogContext): Relation {
  const columns = [
    int('media_set_id'),
    tinyint('family_sequence_number'),
    uniqueidentifier('media_family_id', true),
    int('media_count', true),
    nvarchar('logical_device_name', 128),
    nvarchar('physical_device_name', 260),
    tinyint('device_type', true),
    int('physical_block_size', true),
    tinyint('mirror'),
  ];
  const entries = history(ctx);
  const rows: SqlValue[][] = [];
  for (const [key, id] of mediaSetIds(entries)) {
    const path = entries.find((e) => e.path.toUpperCase() === key)?.path ?? key;
    rows.push([id, 1, null, 1, null, path, 2, 512, 0]);
  }
  return { columns, rows };
}

export function msdbRestorehistory(ctx: CatalogContext): Relation {
  const columns = [
    int('restore_history_id'),
    datetime('restore_date', true),
    nvarchar('destination_database_name', 128),
    nvarchar('user_name', 128),
    int('backup_set_id'),
    char('restore_type', 1, true),
    bit('replace', true),
    bit('recovery', true),
    bit('restart', true),
    datetime('stop_at', true),
  ];
  const rows: SqlValue[][] = [];
  history(ctx).forEach((entry, index) => {
    if (!entry.restored) return;
    rows.push([
      rows.length + 1,
      date(entry.set.finishedAt),
      entry.database.name,
      ctx.session.login,
      index + 1,
      entry.set.type === 'FULL' ? 'D' : 'L',
      false,
      false,
      false,
      null,
    ]);
  });
  return { columns, rows };
}

/** msdb.dbo.sysjobs: the mirroring monitor's job, created by sp_dbmmonitoraddmonitoring
 * (lab/mirroring/monitor-status), and the site's own jobs (InstanceState.agentJobs). Columns as
 * documented for sysjobs; owner_sid the login that owns the job (the monitor's: sa). */
export function msdbSysjobs(ctx: CatalogContext): Relation {
  const columns = [
    uniqueidentifier('job_id'),
    int('originating_server_id'),
    nvarchar('name', 128, false),
    tinyint('enabled'),
    nvarchar('description', 512),
    int('start_step_id'),
    int('category_id'),
    datetime('date_created'),
    datetime('date_modified'),
    int('version_number'),
    varbinary('owner_sid', 85),
  ];
  const job = ctx.instance.dbmMonitor?.job;
  const rows: SqlValue[][] = job ? [[job.jobId, 0, MONITOR_JOB_NAME, 1, null, 1, 0, date(job.createdAt), date(job.createdAt), 1, hex(SA_SID)]] : [];
  for (const other of ctx.instance.agentJobs ?? [])
    rows.push([
      other.jobId,
      0,
      other.name,
      other.enabled ? 1 : 0,
      other.description ?? null,
      1,
      0,
      date(other.createdAt),
      date(other.createdAt),
      1,
      hex(other.ownerSid ?? SA_SID),
    ]);
  return { columns, rows };
}

/** msdb.dbo.sysjobsteps of the site's own jobs (InstanceState.agentJobs): job_id, step_id,
 * step_name, subsystem, command, database_name, as documented for sysjobsteps. */
export function msdbSysjobsteps(ctx: CatalogContext): Relation {
  const columns = [
    uniqueidentifier('job_id'),
    int('step_id'),
    nvarchar('step_name', 128, false),
    nvarchar('subsystem', 40, false),
    nvarchar('command', 4000),
    nvarchar('database_name', 128),
    tinyint('on_success_action'),
    int('on_success_step_id'),
    tinyint('on_fail_action'),
    int('on_fail_step_id'),
    int('retry_attempts'),
    int('retry_interval'),
  ];
  return {
    columns,
    rows: (ctx.instance.agentJobs ?? []).flatMap((job) =>
      job.steps.map((given) => {
        const step = { ...STEP_DEFAULTS, ...given };
        return [
          job.jobId,
          step.stepId,
          step.stepName,
          step.subsystem,
          step.command,
          step.databaseName,
          step.onSuccessAction,
          step.onSuccessStepId,
          step.onFailAction,
          step.onFailStepId,
          step.retryAttempts,
          step.retryInterval,
        ] as SqlValue[];
      }),
    ),
  };
}

/** msdb.dbo.sysschedules of the site's jobs (sp_add_jobschedule): the documented columns that say
 * when a job runs. */
export function msdbSysschedules(ctx: CatalogContext): Relation {
  const columns = [
    int('schedule_id'),
    nvarchar('name', 128, false),
    int('enabled'),
    int('freq_type'),
    int('freq_interval'),
    int('freq_subday_type'),
    int('freq_subday_interval'),
    int('active_start_time'),
    int('freq_relative_interval'),
    int('freq_recurrence_factor'),
    int('active_start_date'),
    int('active_end_date'),
    int('active_end_time'),
  ];
  const rows = (ctx.instance.agentJobs ?? []).flatMap((job) =>
    (job.schedules ?? []).map((given): SqlValue[] => {
      const s = { ...SCHEDULE_DEFAULTS, activeStartDate: 0, ...given };
      return [
        s.scheduleId,
        s.name,
        s.enabled ? 1 : 0,
        s.freqType,
        s.freqInterval,
        s.freqSubdayType,
        s.freqSubdayInterval,
        s.activeStartTime,
        s.freqRelativeInterval,
        s.freqRecurrenceFactor,
        s.activeStartDate,
        s.activeEndDate,
        s.activeEndTime,
      ];
    }),
  );
  return { columns, rows };
}

/** msdb.dbo.sysjobschedules: which schedule each job runs on. */
export function msdbSysjobschedules(ctx: CatalogContext): Relation {
  const columns = [int('schedule_id'), uniqueidentifier('job_id')];
  return { columns, rows: (ctx.instance.agentJobs ?? []).flatMap((job) => (job.schedules ?? []).map((s): SqlValue[] => [s.scheduleId, job.jobId])) };
}
