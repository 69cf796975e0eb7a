// Keeps a run's history out of the WAL alone. When a process takes a run (start, resume) a row in
// unsettled_runs is written and the WAL checkpointed, so the main file knows the run is in flight;
// when it lets the run go the row is removed and the WAL checkpointed again, so the main file holds
// everything. A row whose process is gone while no WAL is left beside the file means a crash
// followed by the loss of the WAL: what the run wrote after that checkpoint is gone.
import type Database from 'better-sqlite3';
import { nowIso } from './clock.js';
import { processAlive } from './process-alive.js';
import { currentHost } from './who.js';
import type { Finding, Store } from './types.js';

export function createWalGuard(db: Database.Database): Store['wal'] & { settleProcess(): void } {
  const hold = db.prepare(`INSERT INTO unsettled_runs (run_id, pid, host, head_seq, taken_at)
    VALUES (?, ?, ?, coalesce((SELECT seq FROM audit_head WHERE id = 1), 0), ?)
    ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, head_seq = excluded.head_seq, taken_at = excluded.taken_at`);
  const settle = db.prepare('DELETE FROM unsettled_runs WHERE run_id = ?');
  const settleMine = db.prepare('DELETE FROM unsettled_runs WHERE pid = ? AND host = ?');
  return {
    holdRun(runId) {
      db.transaction(() => hold.run(runId, process.pid, currentHost(), nowIso())).immediate();
      checkpointWal(db);
    },
    settleRun(runId) {
      db.transaction(() => settle.run(runId)).immediate();
      checkpointWal(db);
    },
    checkpoint: () => checkpointWal(db),
    settleProcess() {
      db.transaction(() => settleMine.run(process.pid, currentHost())).immediate();
      checkpointWal(db);
    },
  };
}

/** Copies the WAL into the main file and empties it (TRUNCATE); a reader in the way only delays
 * part of it, which the next checkpoint finishes. */
export function checkpointWal(db: Database.Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Runs left in flight by a process that is gone, with no WAL left to hold what they wrote. */
export function lostWalFindings(db: Database.Database, walBytes: number): Finding[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'unsettled_runs'").get();
  if (!table || walBytes > 0) return [];
  const host = currentHost();
  const findings: Finding[] = [];
  for (const row of db.prepare('SELECT run_id, pid, host, head_seq, taken_at FROM unsettled_runs ORDER BY taken_at').all() as {
    run_id: string;
    pid: number;
    host: string;
    head_seq: number;
    taken_at: string;
  }[]) {
    if (row.host === host && processAlive(row.pid)) continue;
    findings.push({
      problem: 'wal-lost',
      runId: row.run_id,
      detail: `run ${row.run_id}: its process (pid ${row.pid} on ${row.host}, since ${row.taken_at}) ended without settling the store and no WAL file is left beside it: what the run wrote after seq ${row.head_seq} may be lost`,
    });
  }
  return findings;
}
