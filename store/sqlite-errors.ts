// Turns what SQLite and the file system say about the store file into an operator-facing
// StoreError (message + hint). Anything else is a bug and passes through unchanged.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './types.js';

export function storeErrorFrom(error: unknown, path: string): StoreError | undefined {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const detail = (error as Error).message;
  if (code === 'SQLITE_NOTADB') {
    return new StoreError(
      'not-a-database',
      `${path} is not a mirrorbook store (SQLite says: ${detail})`,
      'check --store / MIRRORBOOK_STORE points at the state.db mirrorbook created; move the file aside to start a fresh store',
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError(
      'corrupt',
      `the store ${path} is corrupted (SQLite says: ${detail})`,
      `stop all mirrorbook processes, keep a copy of the file, then try \`sqlite3 ${path} ".recover"\` into a new file; the audit export of the copy shows what it still holds`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      'locked',
      `the store ${path} is locked by another process (SQLite says: ${detail})`,
      'another mirrorbook (or a sqlite3 shell) holds a write transaction on it; let it finish or close it, then retry',
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return new StoreError(
      'read-only',
      `the store ${path} cannot be written (${detail})`,
      'give the user running mirrorbook write access to the file and its directory (the WAL and -shm files live beside it)',
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || (code.startsWith('SQLITE_IOERR') && (/full|space/i.test(detail) || noSpaceLeft(path)))) {
    return new StoreError(
      'disk-full',
      `the disk holding the store ${path} is full (${detail})`,
      'free space on that file system (or move the store with --store); nothing of the failed write was committed',
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || ['EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG', 'ELOOP'].includes(code)) {
    return new StoreError(
      'cannot-open',
      `cannot open the store ${path} (${detail})`,
      'check the path exists as a file (not a directory) and that its directory is writable by this user',
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new StoreError(
      'cannot-open',
      `I/O error on the store ${path} (${detail})`,
      'check the disk and file system (dmesg); the last committed state is intact in the file',
    );
  }
  return undefined;
}

/** SQLite reports a full disk met while growing the WAL index as a plain "disk I/O error"
 * (SQLITE_IOERR_SHMSIZE); the file system's free space tells the two apart. */
function noSpaceLeft(path: string): boolean {
  try {
    const fs = statfsSync(dirname(path));
    return fs.bavail * fs.bsize < 1024 * 1024;
  } catch {
    return false;
  }
}

/** Runs `fn`, rethrowing store-environment failures as StoreError. */
export function guarded<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storeErrorFrom(error, path) ?? error;
  }
}
