// The extended procedures a DBA uses to look at the Windows host from T-SQL, run as the service
// account (so a share it may not open looks absent, as on a real server):
//   xp_fileexist 'path' [, @exists OUTPUT] — undocumented; one row: File Exists, File is a Directory,
//     Parent Directory Exists (0/1), or with the OUTPUT parameter only that variable set to 0/1.
//   xp_fixeddrives — undocumented; one row per fixed drive: drive, MB free.

import type { ExecStatement } from '../sql/ast.js';
import type { Typed } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { char, int } from '../catalog/columns.js';
import { FileSystemError, fileExists, isDirectory } from '../storage/files.js';
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
  ctx.emit({ kind: 'rows', columns: [int('File Exists'), int('File is a Directory'), int('Parent Directory Exists')], rows: [[exists ? 1 : 0, directory ? 1 : 0, parentExists ? 1 : 0]] });
}

export function xpFixedDrives(ctx: BatchContext, env: ExecEnv): void {
  const rows: SqlValue[][] = volumes(hostOf(env.lab, env.instance)).map((v) => [v.drive.slice(0, 1), Math.floor(v.freeMB)]);
  ctx.emit({ kind: 'rows', columns: [char('drive', 1), int('MB free')], rows });
}
