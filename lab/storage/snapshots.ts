// Database snapshots: CREATE DATABASE … ON (NAME, FILENAME) … AS SNAPSHOT OF source — a static,
// read-only, transaction-consistent copy of the source as it was at creation
// (learn.microsoft.com: "Create a Database Snapshot (Transact-SQL)", "Database Snapshots (SQL Server)",
// "Database Mirroring and Database Snapshots"):
// - the source must be online, unless it is a mirror database, which must then be SYNCHRONIZED
//   (the recovering copy of a suspended or disconnected session cannot be snapshotted);
// - every data file of the source is named (5127); log files are not allowed;
// - a snapshot of a mirror database needs sysadmin;
// - the edition must support it: Enterprise and Developer, every edition from SQL Server 2016 SP1
//   ("Editions and supported features of SQL Server 2016": database snapshot) — the lab's 2016 is SP2;
// - a snapshot is read-only (3906) and its source cannot be dropped while it exists (3709).
import { SqlError } from '../errors.js';
import type { DatabaseState, InstanceState } from '../model.js';
import type { CreateDatabaseStatement } from '../sql/ast.js';
import type { ExecEnv } from '../server/env.js';
import { attachDatabase, nextDatabaseId } from '../instance/database.js';
import { atLeast } from '../instance/version.js';
import { isSysadmin } from '../instance/authorization.js';
import { newGuid } from '../instance/principals.js';
import { findDatabase, hostOf } from './databases.js';

export function snapshotsSupported(instance: InstanceState): boolean {
  return instance.edition === 'Enterprise' || instance.edition === 'Developer' || atLeast(instance.version, '2016');
}

export function createSnapshot(env: ExecEnv, name: string, spec: NonNullable<CreateDatabaseStatement['snapshot']>): DatabaseState {
  if (findDatabase(env.instance, name)) throw new SqlError(1801, `Database '${name}' already exists. Choose a different database name.`);
  if (!snapshotsSupported(env.instance)) throw new SqlError(1844, `Database Snapshot is not supported on ${env.instance.edition} Edition (64-bit).`);
  const source = findDatabase(env.instance, spec.source);
  if (!source) throw new SqlError(911, `Database '${spec.source}' does not exist. Make sure that the name is entered correctly.`);
  const mirror = source.mirroring?.role === 'MIRROR';
  if (mirror && !isSysadmin(env)) throw new SqlError(262, `CREATE DATABASE permission denied in database 'master'.`, { class: 14 });
  if (mirror ? source.mirroring?.state !== 'SYNCHRONIZED' : source.state !== 'ONLINE' || source.snapshotOf !== undefined) {
    throw new SqlError(1823, 'A database snapshot cannot be created because it failed to start.');
  }
  for (const file of source.files.filter((f) => f.type === 'D')) {
    if (!spec.files.some((f) => f.logicalName.toUpperCase() === file.logicalName.toUpperCase())) {
      throw new SqlError(5127, `All files must be specified for database snapshot creation. Missing the file "${file.logicalName}".`);
    }
  }
  const files = spec.files.map((given) => {
    const file = source.files.find((f) => f.logicalName.toUpperCase() === given.logicalName.toUpperCase() && f.type === 'D');
    if (!file) throw new SqlError(5009, `One or more files listed in the statement could not be found or could not be initialized.`);
    return { logicalName: file.logicalName, physicalName: given.fileName, type: 'D' as const, sizeMB: file.sizeMB };
  });
  const host = hostOf(env.lab, env.instance);
  const clash = files.find((f) => host.files[f.physicalName.toUpperCase()]);
  if (clash) {
    throw new SqlError(
      5170,
      `Cannot create file '${clash.physicalName}' because it already exists. Change the file path or the file name, and retry the operation.`,
      {
        followUps: [new SqlError(1802, 'CREATE DATABASE failed. Some file names listed could not be created. Check related errors.')],
      },
    );
  }
  const copy = structuredClone(source);
  const snapshot: DatabaseState = {
    ...copy,
    name,
    databaseId: nextDatabaseId(env.instance),
    state: 'ONLINE',
    createDate: env.now().toISOString(),
    databaseGuid: newGuid(),
    files,
    mirroring: null,
    snapshotOf: source.name,
    workloadTps: 0,
  };
  delete snapshot.userAccess;
  attachDatabase(host, env.instance, snapshot);
  env.changed();
  return snapshot;
}

/** The names of the snapshots whose source is the database. */
export function snapshotsOf(instance: InstanceState, database: string): string[] {
  const upper = database.toUpperCase();
  return Object.values(instance.databases)
    .filter((d) => d.snapshotOf?.toUpperCase() === upper)
    .map((d) => d.name);
}

export function readOnlyDatabase(database: DatabaseState): SqlError {
  return new SqlError(3906, `Failed to update database "${database.name}" because the database is read-only.`);
}
