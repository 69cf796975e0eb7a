// Appends a line and fsyncs it: what a test fixture records must survive the SIGKILL that follows.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

export function durableAppend(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
