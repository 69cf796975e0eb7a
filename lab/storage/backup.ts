// BACKUP DATABASE / BACKUP LOG TO DISK: validates, spends simulated time in proportion to the size
// (cancellable: nothing is written until the work is done), then appends the set to the media and
// moves the log chain on.

import type { BackupSet, DatabaseState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { SqlError } from '../errors.js';
import { backupDirectory } from '../instance/database.js';
import { findDatabase, sessionsUsing } from './databases.js';
import { assertWritable, writeFile } from './files.js';
import { logKB } from './log.js';
import { setsKeptOnWrite } from './media.js';
import { actingAsMirror, asTerminating, inMirroringSession, databaseDoesNotExist, databaseOffline, middleOfRestore, reportPagesProcessed } from './messages.js';
import { runTimedWork } from './requests.js';

export interface BackupRequest {
  database: string;
  log: boolean;
  disk: string;
  init?: boolean;
  format?: boolean;
  copyOnly?: boolean;
  /** WITH COMPRESSION (NO_COMPRESSION: false; absent: the server default, off). */
  compression?: boolean;
  /** STATS [= n]; STATS alone means 10. */
  stats?: number;
  /** BACKUP LOG … WITH NORECOVERY: the tail-log backup leaves the database RESTORING. */
  noRecovery?: boolean;
}

interface BackupPlan {
  database: DatabaseState;
  sizeMB: number;
  firstLsn: number;
  keep: BackupSet[];
}

function plan(env: ExecEnv, request: BackupRequest): BackupPlan {
  const database = findDatabase(env.instance, request.database);
  if (!database) throw databaseDoesNotExist(request.database);
  if (database.state === 'RESTORING') throw database.mirroring ? actingAsMirror(database.name) : middleOfRestore(database.name);
  if (database.state === 'OFFLINE') throw databaseOffline(database.name);
  if (database.state !== 'ONLINE')
    throw new SqlError(
      945,
      `Database '${database.name}' cannot be opened due to inaccessible files or insufficient memory or disk space.  See the SQL Server errorlog for details.`,
      { class: 14 },
    );
  if (request.log && database.recoveryModel === 'SIMPLE') {
    throw new SqlError(
      4208,
      'The statement BACKUP LOG is not allowed while the recovery model is SIMPLE. Use BACKUP DATABASE or change the recovery model using ALTER DATABASE.',
    );
  }
  if (request.log && !database.log.logChainStarted) throw new SqlError(4214, 'BACKUP LOG cannot be performed because there is no current database backup.');
  if (request.log && request.noRecovery && database.mirroring) throw inMirroringSession(database.name);
  if (request.log && request.noRecovery && sessionsUsing(env.instance, database.name, env.session.spid).length > 0) {
    throw new SqlError(3101, 'Exclusive access could not be obtained because the database is in use.');
  }
  // "Backup compression": creating compressed backups needs Enterprise, Standard or Developer
  // (Standard from 2008 R2); every edition restores them.
  if (request.compression && env.instance.edition === 'Express') {
    throw new SqlError(1844, `${request.log ? 'BACKUP LOG' : 'BACKUP DATABASE'} WITH COMPRESSION is not supported on Express Edition (64-bit).`);
  }
  const directory = backupDirectory(env.instance);
  assertWritable(env.lab, env.instance, request.disk, directory);
  const keep = setsKeptOnWrite(env.lab, env.instance, request.disk, directory, request.init ?? false, request.format ?? false);
  const firstLsn = request.log
    ? (database.log.lastLogBackupLsn ?? database.log.logChainStartLsn ?? database.log.lastFullBackupLsn ?? database.log.endLsn)
    : database.log.endLsn;
  const sizeMB = request.log ? Math.max(0.1, logKB(firstLsn, database.log.endLsn) / 1024) : database.sizeMB;
  return { database, sizeMB, firstLsn, keep };
}

export async function backup(env: ExecEnv, request: BackupRequest): Promise<void> {
  const command = request.log ? 'BACKUP LOG' : 'BACKUP DATABASE';
  try {
    const started = env.now();
    const before = plan(env, request);
    const totalMs = (before.sizeMB / 1024) * env.instance.behaviour.backupMsPerGB;
    await runTimedWork(env, { command, databaseId: before.database.databaseId, databaseName: before.database.name, totalMs, stats: request.stats });
    const { database, sizeMB, firstLsn, keep } = plan(env, request);
    const log = database.log;
    log.endLsn += 1; // the backup's own log record, so that consecutive log backups never coincide
    const set: BackupSet = {
      position: keep.length + 1,
      type: request.log ? 'LOG' : 'FULL',
      database: database.name,
      databaseGuid: database.databaseGuid,
      familyGuid: database.familyGuid,
      recoveryForkGuid: database.recoveryForkGuid,
      firstLsn,
      lastLsn: log.endLsn,
      databaseBackupLsn: request.log ? (log.lastFullBackupLsn ?? 0) : firstLsn,
      sizeMB,
      startedAt: started.toISOString(),
      finishedAt: env.now().toISOString(),
      files: database.files.map((f) => ({ ...f })),
      committedTransactions: database.committedTransactions,
      copyOnly: request.copyOnly ?? false,
      serverName: env.instance.name,
      recoveryModel: database.recoveryModel,
      tables: { ...database.tables },
      users: structuredClone(database.users),
      logChainStartLsn: request.log ? (log.logChainStartLsn ?? null) : null,
      ...(request.compression ? { compressed: true } : {}),
      ...(database.encryptionKey ? { encryptionKey: { ...database.encryptionKey } } : {}),
    };
    writeFile(env.lab, env.instance, request.disk, { kind: 'backup', media: [...keep, set] }, backupDirectory(env.instance));
    if (!request.copyOnly) {
      if (request.log) {
        log.lastLogBackupLsn = set.lastLsn;
        log.bulkLoggedSinceLogBackup = database.recoveryModel === 'BULK_LOGGED';
      } else {
        log.lastFullBackupLsn = firstLsn;
        if (database.recoveryModel !== 'SIMPLE' && !log.logChainStarted) {
          log.logChainStarted = true;
          log.logChainStartLsn = firstLsn;
          log.lastLogBackupLsn = null;
        }
      }
    }
    if (request.log && request.noRecovery) {
      database.state = 'RESTORING';
      log.restoredThroughLsn = set.lastLsn;
      log.restoredFromFullLsn = log.lastFullBackupLsn;
    }
    env.changed();
    reportPagesProcessed(env, command, database, set, env.now().getTime() - started.getTime());
  } catch (error) {
    throw asTerminating(command, error, request.disk);
  }
}
