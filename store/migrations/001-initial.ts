import type { Migration } from './migration.js';

// Journal and audit rows are append-only: the triggers stop ordinary SQL from rewriting history,
// and the audit hash chain catches whoever drops them.
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      procedure TEXT NOT NULL,
      pair_key TEXT NOT NULL,
      definition_hash TEXT NOT NULL,
      definition TEXT NOT NULL,
      operator TEXT NOT NULL,
      os_user TEXT NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      argv TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running','done','failed','interrupted','needs-operator','aborted')),
      exit_code INTEGER,
      started_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      ended_at TEXT
    );
    CREATE INDEX runs_by_pair ON runs (pair_key);

    CREATE TABLE intents (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id TEXT NOT NULL REFERENCES runs (id),
      step_id TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('apply','manual')),
      at TEXT NOT NULL
    );
    CREATE INDEX intents_by_run ON intents (run_id, id);

    CREATE TABLE outcomes (
      intent_id INTEGER PRIMARY KEY REFERENCES intents (id),
      status TEXT NOT NULL CHECK (status IN ('ok','error','aborted','already-done')),
      error_number INTEGER,
      message TEXT,
      at TEXT NOT NULL
    );

    CREATE TABLE step_states (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id TEXT NOT NULL REFERENCES runs (id),
      step_id TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('done','already-done','skipped','failed')),
      attempt INTEGER NOT NULL,
      detail TEXT,
      error_number INTEGER,
      error_message TEXT,
      at TEXT NOT NULL
    );
    CREATE INDEX step_states_by_run ON step_states (run_id, id);

    CREATE TABLE snapshots (
      run_id TEXT PRIMARY KEY REFERENCES runs (id),
      snapshot TEXT NOT NULL,
      definition_hash TEXT NOT NULL,
      saved_at TEXT NOT NULL
    );

    CREATE TABLE audit (
      seq INTEGER PRIMARY KEY,
      ts TEXT NOT NULL,
      run_id TEXT,
      kind TEXT NOT NULL,
      operator TEXT NOT NULL,
      os_user TEXT NOT NULL,
      host TEXT NOT NULL,
      target TEXT,
      server TEXT,
      step_id TEXT,
      attempt INTEGER,
      sql TEXT,
      result TEXT,
      error_number INTEGER,
      message TEXT,
      data TEXT,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX audit_by_run ON audit (run_id, seq);

    CREATE TABLE locks (
      pair_key TEXT PRIMARY KEY,
      run_id TEXT NOT NULL,
      procedure TEXT NOT NULL,
      owner TEXT NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      acquired_at TEXT NOT NULL
    );

    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
    CREATE TRIGGER intents_no_update BEFORE UPDATE ON intents
      BEGIN SELECT RAISE(ABORT, 'journal intents are append-only'); END;
    CREATE TRIGGER intents_no_delete BEFORE DELETE ON intents
      BEGIN SELECT RAISE(ABORT, 'journal intents are append-only'); END;
    CREATE TRIGGER outcomes_no_update BEFORE UPDATE ON outcomes
      BEGIN SELECT RAISE(ABORT, 'journal outcomes are append-only'); END;
    CREATE TRIGGER outcomes_no_delete BEFORE DELETE ON outcomes
      BEGIN SELECT RAISE(ABORT, 'journal outcomes are append-only'); END;
  `,
};
