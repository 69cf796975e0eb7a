// The extended procedures a DBA uses to look at the Windows host from T-SQL, run as the service
// account (so a share it may not open looks absent, as on a real server):
//   xp_fileexist 'path' [, @exists OUTPUT] — undocumented; one row: File Exists, File is a Directory,
//     Parent Directory Exists (0/1), or with the OUTPUT parameter only that variable set to 0/1.
//   xp_fixeddrives — undocumented; one row per fixed drive: drive, MB free.
//   xp_delete_file 0, 'path' — what the Maintenance Cleanup Task's "Delete specific file" of backup
//     files runs (learn.microsoft.com: Maintenance Cleanup Task; the procedure itself is
//     undocumented). File type 0 removes a file only if it is a SQL Server backup (another file is
//     left as it is, without an error); a file it cannot reach is Msg 22049 "xp_delete_file()
//     returned error N, '…'" with the Windows error (2 not found, 3 no such folder, 5 denied to the
//     service account), as job histories show it. sysadmin only.

import type { ExecStatement } from '../sql/ast.js';
import type { Typed } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { char, int } from '../catalog/columns.js';
import { deleteFile, FileSystemError, fileExists, isDirectory, readFile } from '../storage/files.js';
import { SqlError } from '../errors.js';
import { requireSysadmin } from '../instance/authorization.js';
import { hostOf } from '../storage/databases.js';
import { volumes } from '../storage/volumes.js';
import type { BatchContext } from './batch.js';
import type { ExecEnv } from './env.js';

function probe(check: () => boolean): boolean {
  try {
    return check();
  } catch (error) {
    if (error instanceof FileSystemError) return false;
    throw error;
  }
}

export function xpFileExist(ctx: BatchContext, env: ExecEnv, stmt: ExecStatement, path: string): void {
  const trimmed = path.replace(/[\\/]+$/, '');
  const parent = trimmed.includes('\\') ? trimmed.slice(0, trimmed.lastIndexOf('\\')) : trimmed;
  const exists = probe(() => fileExists(env.lab, env.instance, trimmed));
  const directory = probe(() => isDirectory(env.lab, env.instance, trimmed));
  const parentExists = probe(() => isDirectory(env.lab, env.instance, parent));
  const output = stmt.args[1];
  if (output?.output && output.value?.kind === 'variable') {
    const value: Typed = { value: exists ? 1 : 0, type: { type: 'int' } };
    ctx.variables.assign(output.value.name, value);
    return;
  }
  ctx.emit({
    kind: 'rows',
    columns: [int('File Exists'), int('File is a Directory'), int('Parent Directory Exists')],
    rows: [[exists ? 1 : 0, directory ? 1 : 0, parentExists ? 1 : 0]],
  });
}

export function xpFixedDrives(ctx: BatchContext, env: ExecEnv): void {
  const rows: SqlValue[][] = volumes(hostOf(env.lab, env.instance)).map((v) => [v.drive.slice(0, 1), Math.floor(v.freeMB)]);
  ctx.emit({ kind: 'rows', columns: [char('drive', 1), int('MB free')], rows });
}

export function xpDeleteFile(env: ExecEnv, fileType: number, path: string): void {
  requireSysadmin(env);
  if (fileType !== 0) return; // 1 = maintenance plan text reports, which the lab has none of
  try {
    if (readFile(env.lab, env.instance, path).kind !== 'backup') return;
    deleteFile(env.lab, env.instance, path);
    env.changed();
  } catch (error) {
    if (!(error instanceof FileSystemError)) throw error;
    throw new SqlError(22049, `xp_delete_file() returned error ${error.osError}, '${error.osMessage}'`);
  }
}
