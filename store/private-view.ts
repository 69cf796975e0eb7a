// A read-only look at the store that writes nothing beside it. SQLite, even opened read-only,
// creates the -wal and -shm files of a WAL database and writes read marks into -shm; a command that
// only reads (runs, show, audit, and above all `audit verify`) must leave the evidence byte for
// byte as it found it, and must not leave files another user cannot write. So the main file is
// hard-linked (or copied, across file systems) into a private directory, with a copy of a WAL that
// holds anything, and SQLite opens that. Through a hard link a checkpoint by a run ending meanwhile
// writes into the file being read: `changed()` says the main file was written since the view was
// made, so the caller reads it again rather than trust what it read.
import { copyFileSync, constants, linkSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateView {
  path: string;
  /** Size of the store's WAL when the view was made (0 when there is none). */
  walBytes: number;
  /** Whether the store's main file was written (or replaced) since the view was made. */
  changed(): boolean;
  dispose(): void;
}

export function privateView(file: string): PrivateView {
  const stamp = stampOf(file);
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-view-'));
  const path = join(dir, 'state.db');
  const wal = `${file}-wal`;
  const walBytes = sizeOrNone(wal);
  try {
    // With a WAL that holds records a writer may checkpoint into the main file while we read:
    // copy both, so the view is one consistent moment.
    if (walBytes > 0) copyFileSync(file, path, constants.COPYFILE_FICLONE);
    else linkOrCopy(file, path);
    if (walBytes > 0) copyUnlessGone(wal, `${path}-wal`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, walBytes, changed: () => stampOf(file) !== stamp, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

// A writer that closes checkpoints its WAL into the main file and removes it, at any moment: a WAL
// gone meanwhile is no WAL, and the checkpoint makes changed() say so, so the caller reads again.
function sizeOrNone(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function copyUnlessGone(from: string, to: string): void {
  try {
    copyFileSync(from, to, constants.COPYFILE_FICLONE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The file's identity, size and last write, to the nanosecond. */
function stampOf(file: string): string {
  const s = statSync(file, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to, constants.COPYFILE_FICLONE);
  }
}
