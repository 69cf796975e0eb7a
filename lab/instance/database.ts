// How a database comes into being on an instance: system databases at install, user databases
// from the site seed (C2's CREATE DATABASE and RESTORE can use the same constructor).

import type { DatabaseState, HostState, InstanceState, LabState } from '../model.js';
import { builtInUsers, newGuid } from './principals.js';
import { instanceRoot } from './version.js';

export const SYSTEM_DATABASES = ['master', 'tempdb', 'model', 'msdb'] as const;

/** MSSQLSERVER for a default instance, the part after the backslash for a named one. */
export function instanceId(instance: Pick<InstanceState, 'name'>): string {
  return instance.name.split('\\')[1]?.toUpperCase() ?? 'MSSQLSERVER';
}

export function dataDirectory(instance: InstanceState): string {
  return `${instanceRoot(instance.version, instanceId(instance))}\\DATA`;
}

/** Where new databases' files go (Server Properties → Database Settings): the DATA folder unless set. */
export function defaultPaths(instance: InstanceState): { data: string; log: string } {
  return instance.defaultPaths ?? { data: dataDirectory(instance), log: dataDirectory(instance) };
}

export function backupDirectory(instance: InstanceState): string {
  return `${instanceRoot(instance.version, instanceId(instance))}\\Backup`;
}

export function newDatabaseState(spec: {
  name: string;
  databaseId: number;
  dataDirectory: string;
  now: Date;
  sizeMB: number;
  recoveryModel: DatabaseState['recoveryModel'];
  isSystem?: boolean;
}): DatabaseState {
  const createDate = spec.now.toISOString();
  const logicalData =
    spec.name === 'master' ? 'master' : spec.name === 'tempdb' ? 'tempdev' : spec.name === 'model' ? 'modeldev' : spec.name === 'msdb' ? 'MSDBData' : spec.name;
  const logicalLog =
    spec.name === 'master'
      ? 'mastlog'
      : spec.name === 'tempdb'
        ? 'templog'
        : spec.name === 'model'
          ? 'modellog'
          : spec.name === 'msdb'
            ? 'MSDBLog'
            : `${spec.name}_log`;
  const physical = (suffix: string, ext: string): string => `${spec.dataDirectory}\\${spec.name === 'msdb' ? 'MSDB' : spec.name}${suffix}.${ext}`;
  const logMB = Math.max(1, Math.round(spec.sizeMB / 4));
  const guid = newGuid();
  return {
    name: spec.name,
    databaseId: spec.databaseId,
    state: 'ONLINE',
    recoveryModel: spec.recoveryModel,
    isSystem: spec.isSystem ?? false,
    createDate,
    databaseGuid: guid,
    familyGuid: guid,
    recoveryForkGuid: newGuid(),
    sizeMB: spec.sizeMB,
    files: [
      { logicalName: logicalData, physicalName: physical(spec.name === 'msdb' ? 'Data' : '', 'mdf'), type: 'D', sizeMB: spec.sizeMB - logMB },
      { logicalName: logicalLog, physicalName: physical(spec.name === 'msdb' ? 'Log' : '_log', 'ldf'), type: 'L', sizeMB: logMB },
    ],
    log: {
      endLsn: 37_000_000_000_000 + spec.databaseId * 1_000_000,
      lastFullBackupLsn: null,
      lastLogBackupLsn: null,
      logChainStarted: false,
      restoredThroughLsn: null,
      restoredFromFullLsn: null,
    },
    users: builtInUsers(createDate),
    certificates: {},
    masterKey: null,
    committedTransactions: 0,
    tables: {},
    mirroring: null,
    workloadTps: 0,
  };
}

/** Adds the database to the instance and its files to the host's file system. */
export function attachDatabase(host: HostState, instance: InstanceState, database: DatabaseState): void {
  instance.databases[database.name] = database;
  for (const file of database.files) {
    host.files[file.physicalName.toUpperCase()] = {
      kind: 'data',
      path: file.physicalName,
      database: database.name,
      logicalName: file.logicalName,
      sizeMB: file.sizeMB,
    };
  }
}

export function installSystemDatabases(lab: LabState, host: HostState, instance: InstanceState, now: Date): void {
  const sizes = { master: 6, tempdb: 16, model: 16, msdb: 24 };
  SYSTEM_DATABASES.forEach((name, index) => {
    const database = newDatabaseState({
      name,
      databaseId: index + 1,
      dataDirectory: dataDirectory(instance),
      now,
      sizeMB: sizes[name],
      recoveryModel: name === 'master' || name === 'tempdb' || name === 'msdb' ? 'SIMPLE' : 'FULL',
      isSystem: true,
    });
    attachDatabase(host, instance, database);
  });
  lab.nextIds.databaseId = Math.max(lab.nextIds.databaseId, SYSTEM_DATABASES.length + 1);
}

/** database_id is per instance: the lowest id above those in use, as SQL Server hands them out. */
export function nextDatabaseId(instance: InstanceState): number {
  return Math.max(4, ...Object.values(instance.databases).map((database) => database.databaseId)) + 1;
}
