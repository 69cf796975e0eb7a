// Reads a file the operator named (the config, a file: secret) only when it is a regular file of
// bounded size: /dev/zero would grow memory without end, a FIFO would block forever. The file is
// opened non-blocking (opening a FIFO then returns at once), checked with fstat, and read up to
// its limit, so a file that grows while it is read is cut off, not followed.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors/operator-error.js';

export const SECRET_FILE_LIMIT = 64 * 1024;
export const CONFIG_FILE_LIMIT = 1024 * 1024;

export interface BoundedRead {
  limit: number;
  /** Names the file in errors: "secret file", "config file". */
  what: string;
  /** The config path that named the file, if any. */
  field?: string;
  missingHint?: string;
}

export function readBoundedFile(path: string, { limit, what, field, missingHint }: BoundedRead): string {
  const prefix = field ? `${field}: ` : '';
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`${prefix}cannot read ${what} ${path} (${code})`, code === 'ENOENT' ? missingHint : 'check the path and its permissions');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new UsageError(
        `${prefix}cannot read ${what} ${path}: it is ${kindOf(stat)}, not a regular file`,
        `point it at an ordinary file; devices, FIFOs and sockets are refused`,
      );
    }
    if (stat.size > limit) {
      throw new UsageError(
        `${prefix}cannot read ${what} ${path}: it is ${stat.size} bytes, more than the ${limit} allowed`,
        `a ${what} is small; check the path names the right file`,
      );
    }
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= limit; ) {
      n = readSync(fd, buffer, length, buffer.length - length, null);
      length += n;
    }
    if (length > limit)
      throw new UsageError(`${prefix}cannot read ${what} ${path}: it grew past ${limit} bytes while it was read`, 'check nothing is writing to it');
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'something else';
}
