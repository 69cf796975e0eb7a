// SQLite's full integrity check (integrity_check: every page, record, index entry and NOT NULL /
// CHECK constraint; quick_check skips the index contents). On a million records it is a large share
// of verify's CPU (README, "Figures"): where the file is a private view (store/private-view.ts; a
// hard link while the WAL is empty, which a concurrent checkpoint could still change) worth it, a
// second read-only connection runs it in a worker thread beside the walk (store/beside.ts), and the
// caller waits for its answer synchronously. Anywhere else it runs inline.
import type Database from 'better-sqlite3';
import { beside } from './beside.js';

const MAX_LINES = 20;
/** A scan of a file larger than any cache gains nothing from one, and better-sqlite3's default
 * (16 MB per connection) would be most of the peak RSS the bench allows: 1 MB (negative: KiB), of
 * whatever page size the store has. */
export const SCAN_CACHE_SIZE = -1024;

/** The check's lines: ['ok'] for a sound file. */
export type IntegrityLines = string[];

export function integrityCheckInline(db: Database.Database): IntegrityLines {
  return (db.pragma(`integrity_check(${MAX_LINES})`, { simple: false }) as { integrity_check: string }[]).map((l) => l.integrity_check);
}

/** A check under way: `lines()` waits for its answer; `dispose()` ends a worker whose answer is no
 * longer wanted (the caller failed first), so it neither keeps the process alive nor reads on. */
export interface PendingCheck {
  lines(): IntegrityLines;
  dispose(): void;
}

/** The check of `db`: beside the caller's work on `besidePath` (the private view `db` reads) when
 * given, else inline; `trace` hears when the worker gave no answer and the check ran inline. */
export function integrityCheck(db: Database.Database, besidePath: string | undefined, trace?: (line: string) => void): PendingCheck {
  if (besidePath !== undefined) return integrityCheckBeside(db, besidePath, trace);
  return { lines: () => integrityCheckInline(db), dispose: () => {} };
}

/** Starts the check of `path` in a worker (running `entry`, store/beside.ts); `lines()` waits for
 * it. If the worker cannot start, the check fails to run there or the worker gives no answer,
 * `lines()` runs it on `db` instead, so its error is the inline one. */
export function integrityCheckBeside(db: Database.Database, path: string, trace?: (line: string) => void, entry?: URL): PendingCheck {
  const pending = beside(path, { kind: 'integrity' }, entry);
  return {
    lines: () => {
      const answer = pending.answer();
      if (answer) return answer;
      trace?.("the worker thread running SQLite's integrity check gave no answer: it was run here");
      return integrityCheckInline(db);
    },
    dispose: () => pending.dispose(),
  };
}
