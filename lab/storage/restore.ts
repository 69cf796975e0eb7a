// RESTORE DATABASE / RESTORE LOG FROM DISK, and RESTORE DATABASE … WITH RECOVERY on its own.
// Each statement checks everything SQL Server checks before it reads a page, spends simulated time
// (cancellable, nothing changed until the end), then re-checks and applies.

import { randomUUID } from 'node:crypto';
import type { BackupSet, DatabaseState, InstanceState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { SqlError } from '../errors.js';
import { attachDatabase, backupDirectory, nextDatabaseId, newDatabaseState } from '../instance/database.js';
import { findDatabase, hostOf, removeDatabase, sessionsUsing } from './databases.js';
import { FileSystemError, resolvePath } from './files.js';
import { backupSetAt, readMedia } from './media.js';
import { assertCanOpenEncryptionKey } from './database-encryption.js';
import { asTerminating, databaseDoesNotExist, processedSummary, reportPagesProcessed } from './messages.js';
import { runTimedWork } from './requests.js';
import { assertRoomFor, driveOf } from './volumes.js';

export interface RestoreRequest {
  database: string;
  log: boolean;
  /** FROM DISK; omitted for `RESTORE DATABASE db WITH RECOVERY`. */
  disk?: string;
  /** FILE = n (1-based position in the media). */
  file?: number;
  /** WITH RECOVERY (the default) or NORECOVERY. */
  recovery: boolean;
  replace?: boolean;
  move?: { logicalName: string; physicalName: string }[];
  stats?: number;
}

const lsn = (n: number) => String(n);

function configuredForMirroring(name: string): SqlError {
  return new SqlError(
    3104,
    `RESTORE cannot operate on database '${name}' because it is configured for database mirroring or has joined an availability group. If you intend to restore the database, use ALTER DATABASE to remove mirroring or to remove the database from its availability group.`,
  );
}

function wrongSetType(disk: string, set: BackupSet): SqlError {
  return new SqlError(
    3135,
    `The backup set in file '${disk}' was created by ${set.type === 'LOG' ? 'BACKUP LOG' : 'BACKUP DATABASE'} and cannot be used for this restore operation.`,
  );
}

function assertExclusive(env: ExecEnv, database: DatabaseState): void {
  if (database.state === 'ONLINE' && env.session.database.toUpperCase() === database.name.toUpperCase()) {
    throw new SqlError(
      3102,
      `RESTORE cannot process database '${database.name}' because it is in use by this session. It is recommended that the master database be used when performing this operation.`,
    );
  }
  if (database.state === 'ONLINE' && sessionsUsing(env.instance, database.name, env.session.spid).length > 0) {
    throw new SqlError(3101, 'Exclusive access could not be obtained because the database is in use.');
  }
}

function readSet(env: ExecEnv, disk: string, file: number | undefined): BackupSet {
  return backupSetAt(readMedia(env.lab, env.instance, disk, backupDirectory(env.instance)), disk, file);
}

interface DatabasePlan {
  set: BackupSet;
  existing: DatabaseState | undefined;
  files: BackupSet['files'];
}

function planDatabase(env: ExecEnv, request: RestoreRequest & { disk: string }): DatabasePlan {
  const set = readSet(env, request.disk, request.file);
  if (set.type !== 'FULL') throw wrongSetType(request.disk, set);
  assertCanOpenEncryptionKey(env.instance, set.encryptionKey);
  const existing = findDatabase(env.instance, request.database);
  if (existing) {
    if (existing.mirroring) throw configuredForMirroring(existing.name);
    if (existing.isSystem && existing.name.toUpperCase() !== set.database.toUpperCase()) {
      throw new SqlError(3154, `The backup set holds a backup of a database other than the existing '${existing.name}' database.`);
    }
    assertExclusive(env, existing);
    if (!request.replace) {
      if (existing.familyGuid !== (set.familyGuid ?? set.databaseGuid)) {
        throw new SqlError(3154, `The backup set holds a backup of a database other than the existing '${existing.name}' database.`);
      }
      const tailNotBackedUp =
        existing.state === 'ONLINE' &&
        existing.recoveryModel !== 'SIMPLE' &&
        existing.log.logChainStarted &&
        existing.log.endLsn > (existing.log.lastLogBackupLsn ?? 0);
      if (tailNotBackedUp) {
        throw new SqlError(
          3159,
          `The tail of the log for the database "${existing.name}" has not been backed up. Use BACKUP LOG WITH NORECOVERY to backup the log if it contains work you do not want to lose. Use the WITH REPLACE or WITH STOPAT clause of the RESTORE statement to just overwrite the contents of the log.`,
        );
      }
    }
  }
  return { set, existing, files: placeFiles(env, request, set, existing) };
}

/** Where each file of the set goes: MOVE, else the existing database's file, else the original path. */
function placeFiles(env: ExecEnv, request: RestoreRequest, set: BackupSet, existing: DatabaseState | undefined): BackupSet['files'] {
  for (const move of request.move ?? []) {
    if (!set.files.some((f) => f.logicalName.toUpperCase() === move.logicalName.toUpperCase())) {
      throw new SqlError(
        3234,
        `Logical file '${move.logicalName}' is not part of database '${request.database}'. Use RESTORE FILELISTONLY to list the logical file names.`,
      );
    }
  }
  const host = hostOf(env.lab, env.instance);
  const placed = set.files.map((file) => {
    const move = request.move?.find((m) => m.logicalName.toUpperCase() === file.logicalName.toUpperCase());
    const current = existing?.files.find((f) => f.logicalName.toUpperCase() === file.logicalName.toUpperCase());
    return { ...file, physicalName: move?.physicalName ?? current?.physicalName ?? file.physicalName };
  });
  for (const file of placed) {
    let target;
    try {
      target = resolvePath(env.lab, env.instance, file.physicalName);
    } catch (error) {
      if (error instanceof FileSystemError) throw cannotPlace(file, error);
      throw error;
    }
    const parent = target.key.slice(0, target.key.lastIndexOf('\\'));
    if (target.host !== host || !(/^[A-Z]:$/.test(parent) ? parent === 'C:' : host.directories.includes(parent))) {
      throw cannotPlace(file, new FileSystemError(3, 'The system cannot find the path specified.'));
    }
    const occupant = host.files[target.key];
    const ours = occupant?.kind === 'data' && existing && occupant.database.toUpperCase() === existing.name.toUpperCase();
    if (occupant && !ours && !request.replace) {
      throw new SqlError(
        3142,
        `File "${file.logicalName}" cannot be restored over the existing "${file.physicalName}". Reissue the RESTORE statement using WITH REPLACE to overwrite pre-existing files, or WITH MOVE to identify an alternate location.`,
        {
          followUps: [planningFailed()],
        },
      );
    }
  }
  try {
    assertRoomFor(host, placed, (drive) => replacedMB(host, existing, placed, drive));
  } catch (error) {
    if (error instanceof SqlError) throw new SqlError(error.number, error.message, { followUps: [planningFailed()] });
    throw error;
  }
  return placed;
}

/** What the restore frees on a drive: the existing database's files and the files it overwrites. */
function replacedMB(host: ReturnType<typeof hostOf>, existing: DatabaseState | undefined, placed: BackupSet['files'], drive: string): number {
  const keys = new Set([...(existing?.files ?? []), ...placed].map((f) => f.physicalName.toUpperCase()));
  let mb = 0;
  for (const key of keys) {
    const entry = host.files[key];
    if (entry?.kind === 'data' && driveOf(entry.path) === drive) mb += entry.sizeMB;
  }
  return mb;
}

const planningFailed = () => new SqlError(3119, 'Problems were identified while planning for the RESTORE statement. Previous messages provide details.');

function cannotPlace(file: { logicalName: string; physicalName: string }, os: FileSystemError): SqlError {
  return new SqlError(5133, `Directory lookup for the file "${file.physicalName}" failed with the operating system error ${os.osError}(${os.osMessage}).`, {
    followUps: [
      new SqlError(3156, `File '${file.logicalName}' cannot be restored to '${file.physicalName}'. Use WITH MOVE to identify a valid location for the file.`),
      planningFailed(),
    ],
  });
}

function planLog(env: ExecEnv, request: RestoreRequest & { disk: string }): { set: BackupSet; database: DatabaseState } {
  const set = readSet(env, request.disk, request.file);
  const database = findDatabase(env.instance, request.database);
  if (!database) {
    throw new SqlError(
      3118,
      `The database "${request.database}" does not exist. RESTORE can only create a database when restoring either a full backup or a file backup of the primary file.`,
    );
  }
  if (set.type !== 'LOG') throw wrongSetType(request.disk, set);
  assertCanOpenEncryptionKey(env.instance, set.encryptionKey);
  if (database.mirroring) throw configuredForMirroring(database.name);
  const through = database.log.restoredThroughLsn;
  if (database.state !== 'RESTORING' || through === null) {
    throw new SqlError(3117, 'The log or differential backup cannot be restored because no files are ready to rollforward.');
  }
  if (database.familyGuid !== (set.familyGuid ?? set.databaseGuid)) {
    throw new SqlError(3154, `The backup set holds a backup of a database other than the existing '${database.name}' database.`);
  }
  const chainRestartedAfterOurFull = (set.logChainStartLsn ?? 0) > (database.log.restoredFromFullLsn ?? Number.MAX_SAFE_INTEGER);
  if (set.firstLsn > through && chainRestartedAfterOurFull) {
    throw new SqlError(4312, 'This log cannot be restored because a gap in the log chain was created. Use more recent data backups to bridge the gap.');
  }
  if (set.firstLsn > through) {
    throw new SqlError(
      4305,
      `The log in this backup set begins at LSN ${lsn(set.firstLsn)}, which is too recent to apply to the database. An earlier log backup that includes LSN ${lsn(through)} can be restored.`,
    );
  }
  if (set.lastLsn <= through) {
    throw new SqlError(
      4326,
      `The log in this backup set terminates at LSN ${lsn(set.lastLsn)}, which is too early to apply to the database. A more recent log backup that includes LSN ${lsn(through + 1)} can be restored.`,
    );
  }
  if (set.recoveryForkGuid !== database.recoveryForkGuid) {
    throw new SqlError(
      4330,
      'This backup set cannot be applied because it is on a recovery path that is inconsistent with the database. The recovery path is the sequence of data and log backups that have brought the database to a particular recovery point. Find a compatible backup to restore, or restore the rest of the database to match a recovery point within this backup set, which will restore the database to a different point in time. For more information about recovery paths, see SQL Server Books Online.',
    );
  }
  assertExclusive(env, database);
  return { set, database };
}

export async function restore(env: ExecEnv, request: RestoreRequest): Promise<void> {
  const command = request.log ? 'RESTORE LOG' : 'RESTORE DATABASE';
  try {
    if (request.disk === undefined) {
      if (request.log) throw new SqlError(3117, 'The log or differential backup cannot be restored because no files are ready to rollforward.');
      recoverOnly(env, request);
      return;
    }
    const withDisk = { ...request, disk: request.disk };
    const started = env.now().getTime();
    const first = request.log ? planLog(env, withDisk) : planDatabase(env, withDisk);
    const totalMs = (first.set.sizeMB / 1024) * env.instance.behaviour.backupMsPerGB;
    const databaseId = findDatabase(env.instance, request.database)?.databaseId ?? 0;
    await runTimedWork(env, { command, databaseId, databaseName: request.database, totalMs, stats: request.stats });
    if (request.log) {
      const { set, database } = planLog(env, withDisk);
      applyLog(database, set, request.recovery);
      reportPagesProcessed(env, command, database, set, env.now().getTime() - started);
    } else {
      const plan = planDatabase(env, withDisk);
      const database = applyFull(env, request, plan);
      reportPagesProcessed(env, command, database, plan.set, env.now().getTime() - started);
    }
    env.changed();
  } catch (error) {
    throw asTerminating(command, error, request.disk);
  }
}

function applyFull(env: ExecEnv, request: RestoreRequest, plan: DatabasePlan): DatabaseState {
  const { set, existing, files } = plan;
  const instance: InstanceState = env.instance;
  const host = hostOf(env.lab, instance);
  if (existing) removeDatabase(env.lab, instance, existing);
  for (const file of files) delete host.files[file.physicalName.toUpperCase()];
  const base = newDatabaseState({
    name: existing?.name ?? request.database,
    databaseId: existing?.databaseId ?? nextDatabaseId(instance),
    dataDirectory: '',
    now: env.now(),
    sizeMB: set.sizeMB,
    recoveryModel: set.recoveryModel ?? 'FULL',
  });
  const database: DatabaseState = {
    ...base,
    state: request.recovery ? 'ONLINE' : 'RESTORING',
    databaseGuid: set.databaseGuid,
    familyGuid: set.familyGuid ?? set.databaseGuid,
    recoveryForkGuid: set.recoveryForkGuid,
    files: files.map((f) => ({ ...f })),
    log: {
      endLsn: set.lastLsn,
      // The copy continues the source's log chain: after a failover its log backups follow on.
      lastFullBackupLsn: set.firstLsn,
      lastLogBackupLsn: null,
      logChainStarted: (set.recoveryModel ?? 'FULL') !== 'SIMPLE',
      restoredThroughLsn: request.recovery ? null : set.lastLsn,
      restoredFromFullLsn: request.recovery ? null : set.firstLsn,
      logChainStartLsn: set.firstLsn,
    },
    committedTransactions: set.committedTransactions,
    tables: { ...(set.tables ?? {}) },
    ...(set.users ? { users: structuredClone(set.users) } : {}),
    ...(set.encryptionKey ? { encryptionKey: { ...set.encryptionKey } } : {}),
  };
  attachDatabase(host, instance, database);
  return database;
}

function applyLog(database: DatabaseState, set: BackupSet, recovery: boolean): void {
  database.log.endLsn = set.lastLsn;
  database.log.lastLogBackupLsn = set.lastLsn;
  database.committedTransactions = set.committedTransactions;
  if (set.tables) database.tables = { ...set.tables };
  if (set.users) database.users = structuredClone(set.users);
  if (recovery) {
    database.state = 'ONLINE';
    database.log.restoredThroughLsn = null;
    database.log.restoredFromFullLsn = null;
  } else database.log.restoredThroughLsn = set.lastLsn;
}

/** `RESTORE DATABASE db WITH RECOVERY`: brings a RESTORING copy online on a new recovery fork. */
function recoverOnly(env: ExecEnv, request: RestoreRequest): void {
  if (!request.recovery) throw new SqlError(3013, 'RESTORE DATABASE is terminating abnormally.');
  const database = findDatabase(env.instance, request.database);
  if (!database) throw databaseDoesNotExist(request.database);
  if (database.mirroring) throw configuredForMirroring(database.name);
  if (database.state !== 'RESTORING') throw new SqlError(3153, 'The database is already fully recovered.');
  const started = env.now().getTime();
  database.state = 'ONLINE';
  database.recoveryForkGuid = randomUUID().toUpperCase();
  database.log.restoredThroughLsn = null;
  database.log.restoredFromFullLsn = null;
  database.log.endLsn += 1;
  env.changed();
  env.info(3014, processedSummary('RESTORE DATABASE', 0, env.now().getTime() - started));
}
