// The storage statements as the parser delivers them (lab/sql/ast.ts) → the operations here.

import { createSnapshot } from './snapshots.js';
import type { BackupStatement, CreateDatabaseStatement, DropDatabaseStatement, RestoreInfoStatement, RestoreStatement } from '../sql/ast.js';
import type { ExecEnv } from '../server/env.js';
import { SqlError } from '../errors.js';
import { backup } from './backup.js';
import { createDatabase, dropDatabase } from './databases.js';
import { restore } from './restore.js';
import { restoreFileListOnly, restoreHeaderOnly, restoreVerifyOnly } from './restore-info.js';

function singleDisk(disks: string[], command: string): string {
  const [disk, ...more] = disks;
  if (disk === undefined) throw new SqlError(3013, `${command} is terminating abnormally.`);
  // Striped media sets are not simulated; refusing beats writing something RESTORE could not read.
  if (more.length > 0) throw new SqlError(3013, `${command} is terminating abnormally. (The lab does not simulate striped media: use one DISK.)`);
  return disk;
}

export function executeCreateDatabase(env: ExecEnv, stmt: CreateDatabaseStatement): void {
  if (stmt.snapshot) createSnapshot(env, stmt.name, stmt.snapshot);
  else createDatabase(env, stmt.name, undefined, stmt.files);
}

export function executeDropDatabase(env: ExecEnv, stmt: DropDatabaseStatement): void {
  for (const name of stmt.names) dropDatabase(env, name, stmt.ifExists);
}

export async function executeBackup(env: ExecEnv, stmt: BackupStatement): Promise<void> {
  const log = stmt.target === 'LOG';
  const o = stmt.options;
  await backup(env, {
    database: stmt.database,
    log,
    disk: singleDisk(stmt.disks, log ? 'BACKUP LOG' : 'BACKUP DATABASE'),
    init: o.init,
    format: o.format,
    copyOnly: o.copyOnly,
    compression: o.compression,
    stats: o.stats,
    noRecovery: o.noRecovery,
  });
}

export async function executeRestore(env: ExecEnv, stmt: RestoreStatement): Promise<void> {
  const log = stmt.target === 'LOG';
  const o = stmt.options;
  if (o.recovery === 'STANDBY')
    throw new SqlError(3013, `${log ? 'RESTORE LOG' : 'RESTORE DATABASE'} is terminating abnormally. (WITH STANDBY is not simulated by the lab.)`);
  await restore(env, {
    database: stmt.database,
    log,
    disk: stmt.disks.length === 0 ? undefined : singleDisk(stmt.disks, log ? 'RESTORE LOG' : 'RESTORE DATABASE'),
    file: o.file,
    recovery: o.recovery !== 'NORECOVERY',
    replace: o.replace,
    move: o.moves,
    stats: o.stats,
  });
}

export function executeRestoreInfo(env: ExecEnv, stmt: RestoreInfoStatement): void {
  const disk = singleDisk(stmt.disks, `RESTORE ${stmt.what}`);
  if (stmt.what === 'FILELISTONLY') restoreFileListOnly(env, disk, stmt.file);
  else if (stmt.what === 'HEADERONLY') restoreHeaderOnly(env, disk);
  else if (stmt.what === 'VERIFYONLY') restoreVerifyOnly(env, disk, stmt.file);
  else throw new SqlError(3013, 'RESTORE LABELONLY is terminating abnormally. (Not simulated by the lab.)');
}
