// SQLite's full integrity check (integrity_check: every page, record, index entry and NOT NULL /
// CHECK constraint; quick_check skips the index contents). On a million records it costs about a
// second of CPU, as much as half the chain walk: where the file is a private view (store/private-view.ts;
// a hard link while the WAL is empty, which a concurrent checkpoint could still change), a second read-only connection runs it in a worker thread beside the walk,
// and the caller waits for its answer synchronously. Anywhere else it runs inline.
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

const MAX_LINES = 20;
/** A scan of a file larger than any cache gains nothing from one, and better-sqlite3's default
 * (16 MB per connection) would be most of the peak RSS the bench allows: 1 MB of 4 KiB pages. */
export const SCAN_CACHE_PAGES = 256;
/** A worker that has not started within this long (a starved machine) is not waited for. */
const START_WAIT_MS = 30_000;
const NOT_STARTED = 0;
const RUNNING = 1;

/** The check's lines: ['ok'] for a sound file. */
export type IntegrityLines = string[];

export function integrityCheckInline(db: Database.Database): IntegrityLines {
  return (db.pragma(`integrity_check(${MAX_LINES})`, { simple: false }) as { integrity_check: string }[]).map((l) => l.integrity_check);
}

// CommonJS, evaluated in the worker: the CLI bundle has no file of its own for it.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag, driver, path, maxLines, cachePages } = workerData;
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
let answer;
try {
  const Database = require(driver);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('cache_size = ' + cachePages);
    answer = { lines: db.pragma('integrity_check(' + maxLines + ')', { simple: false }).map((l) => l.integrity_check) };
  } finally {
    db.close();
  }
} catch (error) {
  answer = { error: String(error && error.message || error) };
}
port.postMessage(answer);
Atomics.store(flag, 0, 2);
Atomics.notify(flag, 0);
`;

/** Below this size the check takes less than a worker costs to start (~0.1 s CPU, ~9 MB). */
const BESIDE_MIN_BYTES = 32 * 1024 * 1024;

/** A check under way: `lines()` waits for its answer; `dispose()` ends a worker whose answer is no
 * longer wanted (the caller failed first), so it neither keeps the process alive nor reads on. */
export interface PendingCheck {
  lines(): IntegrityLines;
  dispose(): void;
}

/** The check of `db`: beside the caller's work when `viewPath` is a private view worth it, else inline. */
export function integrityCheck(db: Database.Database, viewPath: string | undefined): PendingCheck {
  if (viewPath !== undefined && statSync(viewPath).size >= BESIDE_MIN_BYTES) return integrityCheckBeside(db, viewPath);
  return { lines: () => integrityCheckInline(db), dispose: () => {} };
}

/** Starts the check of `path` in a worker; `lines()` waits for it. If the worker cannot start or
 * the check fails to run there, `lines()` runs it on `db` instead, so its error is the inline one. */
export function integrityCheckBeside(db: Database.Database, path: string): PendingCheck {
  let worker: Worker;
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER, {
      eval: true,
      workerData: { port: port2, flag, driver, path, maxLines: MAX_LINES, cachePages: SCAN_CACHE_PAGES },
      transferList: [port2],
    });
  } catch {
    return { lines: () => integrityCheckInline(db), dispose: () => {} };
  }
  const dispose = (): void => {
    port1.close();
    void worker.terminate();
  };
  return {
    dispose,
    lines() {
      // Once running, the worker always answers (its check is inside try/catch).
      if (Atomics.wait(flag, 0, NOT_STARTED, START_WAIT_MS) === 'timed-out') {
        dispose();
        return integrityCheckInline(db);
      }
      Atomics.wait(flag, 0, RUNNING);
      const answer = receiveMessageOnPort(port1)?.message as { lines?: IntegrityLines } | undefined;
      dispose();
      return answer?.lines ?? integrityCheckInline(db);
    },
  };
}
