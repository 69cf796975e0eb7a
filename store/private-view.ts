// A read-only look at the store that writes nothing beside it. SQLite, even opened read-only,
// creates the -wal and -shm files of a WAL database and writes read marks into -shm; a command that
// only reads (runs, show, audit, and above all `audit verify`) must leave the evidence byte for
// byte as it found it, and must not leave files another user cannot write. So the main file is
// hard-linked (or copied, across file systems) into a private directory, with a copy of a WAL that
// holds anything, and SQLite opens that.
import { copyFileSync, constants, existsSync, linkSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateView {
  path: string;
  /** Size of the store's WAL when the view was made (0 when there is none). */
  walBytes: number;
  dispose(): void;
}

export function privateView(file: string): PrivateView {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-view-'));
  const path = join(dir, 'state.db');
  const wal = `${file}-wal`;
  const walBytes = existsSync(wal) ? statSync(wal).size : 0;
  try {
    // With a WAL that holds records a writer may checkpoint into the main file while we read:
    // copy both, so the view is one consistent moment.
    if (walBytes > 0) copyFileSync(file, path, constants.COPYFILE_FICLONE);
    else linkOrCopy(file, path);
    if (walBytes > 0) copyFileSync(wal, `${path}-wal`, constants.COPYFILE_FICLONE);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, walBytes, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to, constants.COPYFILE_FICLONE);
  }
}
