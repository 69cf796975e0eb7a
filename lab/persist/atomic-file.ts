// Writes a file so that a crash at any moment leaves either the old content or the new one, never a
// mix: write a temporary file beside it, fsync it, rename it over the target, fsync the directory.
// Without `durable` the fsyncs are left out: the rename alone keeps the file whole when the process
// is killed (the kernel has what was written); only a machine that loses power can lose the change.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

// Unique per write, not only per process: two writers in one process must not rename each other's file.
let writes = 0;

/** Whether a file name is the temporary file of a write in progress. */
export const isAtomicTemp = (name: string): boolean => /^\..+\.\d+-\d+\.tmp$/.test(name);

export interface AtomicWriteOptions {
  /** Default 0o600. */
  mode?: number;
  /** Default true: the new content survives a power cut once the call returns. */
  durable?: boolean;
}

export function writeFileAtomic(path: string, data: string | Buffer, { mode = 0o600, durable = true }: AtomicWriteOptions = {}): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${++writes}.tmp`);
  const fd = openSync(temp, 'w', mode);
  try {
    // A string is written as it is encoded: no copy of it in a Buffer first.
    if (typeof data === 'string') writeSync(fd, data);
    else writeSync(fd, data);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  if (durable) syncDirectory(dirname(path));
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
