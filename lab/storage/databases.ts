// CREATE / DROP DATABASE and the ALTER DATABASE options that belong to storage: recovery model,
// ONLINE / OFFLINE. Database names compare case-insensitively (default collation).

import type { DatabaseFile, DatabaseState, HostState, InstanceState, LabState } from '../model.js';
import type { CreateDatabaseStatement } from '../sql/ast.js';
import type { ExecEnv } from '../server/env.js';
import { SqlError } from '../errors.js';
import { attachDatabase, defaultPaths, nextDatabaseId, newDatabaseState } from '../instance/database.js';
import { cannotAlterDatabase, inMirroringSession } from './messages.js';
import { liveSessionsUsing } from '../server/sessions.js';
import { snapshotsOf } from './snapshots.js';
import { filestreamLevel } from '../instance/configuration.js';

export function findDatabase(instance: InstanceState, name: string): DatabaseState | undefined {
  const upper = name.toUpperCase();
  return Object.values(instance.databases).find((d) => d.name.toUpperCase() === upper);
}

export function hostOf(lab: LabState, instance: InstanceState): HostState {
  const host = Object.values(lab.hosts).find((h) => h.name.toUpperCase() === instance.host.toUpperCase());
  if (!host) throw new Error(`lab state: instance ${instance.name} sits on unknown host ${instance.host}`);
  return host;
}

/** Sessions other than the caller's that have the database open: simulated client programs and live TDS sessions. */
export function sessionsUsing(instance: InstanceState, database: string, exceptSpid: number): number[] {
  const upper = database.toUpperCase();
  const programs = instance.programs.filter((p) => p.database.toUpperCase() === upper && p.spid !== exceptSpid).map((p) => p.spid);
  return [...programs, ...liveSessionsUsing(instance.name, database, exceptSpid)];
}

export function removeDatabase(lab: LabState, instance: InstanceState, database: DatabaseState): void {
  const host = hostOf(lab, instance);
  for (const file of database.files) delete host.files[file.physicalName.toUpperCase()];
  delete instance.databases[database.name];
}

/** CREATE DATABASE: in the default folders, or with the files `layout` names — a FILESTREAM
 * filegroup only while the instance runs with 'filestream access level' above 0 (5591). */
export function createDatabase(env: ExecEnv, name: string, sizeMB = 8, layout?: CreateDatabaseStatement['files']): DatabaseState {
  if (findDatabase(env.instance, name)) throw new SqlError(1801, `Database '${name}' already exists. Choose a different database name.`);
  if (layout?.filestream && filestreamLevel(env.instance).run === 0) throw new SqlError(5591, 'FILESTREAM feature is disabled.');
  const database = newDatabaseState({
    name,
    databaseId: nextDatabaseId(env.instance),
    dataDirectory: defaultPaths(env.instance).data,
    now: env.now(),
    sizeMB,
    recoveryModel: findDatabase(env.instance, 'model')?.recoveryModel ?? 'FULL',
  });
  const logDirectory = defaultPaths(env.instance).log;
  for (const file of database.files)
    if (file.type === 'L') file.physicalName = `${logDirectory}\\${file.physicalName.slice(file.physicalName.lastIndexOf('\\') + 1)}`;
  if (layout) database.files = filesOf(layout, database.files);
  const host = hostOf(env.lab, env.instance);
  const clash = database.files.find((f) => host.files[f.physicalName.toUpperCase()]);
  if (clash) {
    throw new SqlError(
      5170,
      `Cannot create file '${clash.physicalName}' because it already exists. Change the file path or the file name, and retry the operation.`,
      {
        followUps: [new SqlError(1802, 'CREATE DATABASE failed. Some file names listed could not be created. Check related errors.')],
      },
    );
  }
  attachDatabase(host, env.instance, database);
  env.changed();
  return database;
}

/** The files a CREATE DATABASE names: the first data file and the log keep the default sizes. */
function filesOf(layout: NonNullable<CreateDatabaseStatement['files']>, defaults: DatabaseFile[]): DatabaseFile[] {
  const size = (type: 'D' | 'L', first: boolean) => (first ? (defaults.find((f) => f.type === type)?.sizeMB ?? 1) : 1);
  return [
    ...layout.data.map((f, i): DatabaseFile => ({ logicalName: f.logicalName, physicalName: f.fileName, type: 'D', sizeMB: size('D', i === 0) })),
    ...(layout.filestream?.files ?? []).map(
      (f): DatabaseFile => ({ logicalName: f.logicalName, physicalName: f.fileName, type: 'S', sizeMB: 0, filegroup: layout.filestream!.filegroup }),
    ),
    ...layout.log.map((f, i): DatabaseFile => ({ logicalName: f.logicalName, physicalName: f.fileName, type: 'L', sizeMB: size('L', i === 0) })),
  ];
}

export function dropDatabase(env: ExecEnv, name: string, ifExists = false): void {
  const database = findDatabase(env.instance, name);
  if (!database) {
    if (ifExists) return;
    throw new SqlError(3701, `Cannot drop the database '${name}', because it does not exist or you do not have permission.`, { class: 11 });
  }
  if (database.isSystem) throw new SqlError(3708, `Cannot drop the database '${database.name}' because it is a system database.`);
  const snapshot = snapshotsOf(env.instance, database.name)[0];
  if (snapshot) throw new SqlError(3709, `Cannot drop the database while the database snapshot "${snapshot}" refers to it. Drop that database first.`);
  if (database.mirroring) {
    throw new SqlError(
      3743,
      `The database '${database.name}' is enabled for database mirroring. Database mirroring must be removed before you drop the database.`,
    );
  }
  const inUse = env.session.database.toUpperCase() === database.name.toUpperCase() || sessionsUsing(env.instance, database.name, env.session.spid).length > 0;
  if (inUse && database.state === 'ONLINE') throw new SqlError(3702, `Cannot drop database "${database.name}" because it is currently in use.`);
  removeDatabase(env.lab, env.instance, database);
  env.changed();
}

function alterable(env: ExecEnv, name: string): DatabaseState {
  const database = findDatabase(env.instance, name);
  if (!database) throw cannotAlterDatabase(name);
  return database;
}

export function setRecoveryModel(env: ExecEnv, name: string, model: DatabaseState['recoveryModel']): void {
  const database = alterable(env, name);
  if (database.mirroring) throw inMirroringSession(database.name);
  if (database.state !== 'ONLINE') throw cannotAlterDatabase(database.name);
  if (database.name.toUpperCase() === 'TEMPDB' && model !== 'SIMPLE') {
    throw new SqlError(5058, `Option 'RECOVERY' cannot be set in database 'tempdb'.`, { followUps: [] });
  }
  if (database.recoveryModel === model) return;
  // Leaving FULL/BULK_LOGGED for SIMPLE breaks the log chain: the next log backup needs a new full one.
  if (model === 'SIMPLE') database.log = { ...database.log, logChainStarted: false, lastLogBackupLsn: null, bulkLoggedSinceLogBackup: false };
  // Under BULK_LOGGED the lab assumes bulk operations happen: the next log backup must carry them.
  if (model === 'BULK_LOGGED') database.log.bulkLoggedSinceLogBackup = true;
  database.recoveryModel = model;
  env.changed();
}

export function setOnline(env: ExecEnv, name: string, online: boolean): void {
  const database = alterable(env, name);
  if (database.mirroring) throw inMirroringSession(database.name);
  if (database.isSystem) throw new SqlError(5058, `Option '${online ? 'ONLINE' : 'OFFLINE'}' cannot be set in database '${database.name}'.`, { followUps: [] });
  if (online && database.state === 'OFFLINE') database.state = 'ONLINE';
  else if (!online && database.state === 'ONLINE') {
    if (sessionsUsing(env.instance, database.name, env.session.spid).length > 0) {
      throw new SqlError(5061, `ALTER DATABASE failed because a lock could not be placed on database '${database.name}'. Try again later.`, { followUps: [] });
    }
    database.state = 'OFFLINE';
  } else if (database.state !== 'ONLINE' && database.state !== 'OFFLINE') throw cannotAlterDatabase(database.name);
  env.changed();
}
