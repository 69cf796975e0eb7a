// Writes a file so that a crash at any moment leaves either the old content or the new one, never a
// mix: write a temporary file beside it, fsync it, rename it over the target, fsync the directory.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

// Unique per write, not only per process: two writers in one process must not rename each other's file.
let writes = 0;

/** Whether a file name is the temporary file of a write in progress. */
export const isAtomicTemp = (name: string): boolean => /^\..+\.\d+-\d+\.tmp$/.test(name);

export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${++writes}.tmp`);
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  syncDirectory(dirname(path));
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
