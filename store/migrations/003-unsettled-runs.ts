import type { Migration } from './migration.js';

// A run's records live in the WAL until a checkpoint copies them into the main file. A row here is
// written and checkpointed into the main file when a process takes a run, and removed (and
// checkpointed) when it lets go: a row whose process is gone while no WAL is left beside the file
// means the records after that checkpoint went missing with the WAL (see store/wal-guard.ts).
// From this version on verify ties runs, intents, outcomes and step states to the chain (step
// states are audited from here); tie_start says where, so a row an older build wrote is reported
// as not checked rather than as tampered. The head may only move forward through ordinary SQL.
export const unsettledRuns: Migration = {
  version: 3,
  name: 'unsettled-runs',
  sql: `
    CREATE TABLE unsettled_runs (
      run_id TEXT PRIMARY KEY,
      pid INTEGER NOT NULL,
      host TEXT NOT NULL,
      head_seq INTEGER NOT NULL,
      taken_at TEXT NOT NULL
    );
    CREATE TABLE tie_start (tbl TEXT PRIMARY KEY, first_id INTEGER NOT NULL);
    INSERT INTO tie_start (tbl, first_id) SELECT 'step_states', coalesce(max(id), 0) + 1 FROM step_states;
    INSERT INTO tie_start (tbl, first_id) SELECT 'intents', coalesce(max(id), 0) + 1 FROM intents;
    INSERT INTO tie_start (tbl, first_id) SELECT 'outcomes', coalesce(max(intent_id), 0) + 1 FROM outcomes;
    INSERT INTO tie_start (tbl, first_id) SELECT 'runs', coalesce(max(rowid), 0) + 1 FROM runs;
    CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN new.seq <= old.seq
      BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
    CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
      BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
  `,
};
