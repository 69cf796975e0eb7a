import type { Migration } from './migration.js';

// The Mirroring Monitor's memory: every sample (history, pruned by monitor.retentionHours), the
// alarms it has raised (so a restarted monitor neither re-fires nor forgets them) and small facts
// it carries between polls (the roles it last saw).
export const monitor: Migration = {
  version: 5,
  name: 'monitor',
  sql: `
    CREATE TABLE monitor_samples (
      id INTEGER PRIMARY KEY,
      pair TEXT NOT NULL,
      at TEXT NOT NULL,
      instance TEXT NOT NULL,
      database_name TEXT,
      reachable INTEGER NOT NULL,
      answer_ms REAL,
      role TEXT,
      mirroring_state TEXT,
      witness_state TEXT,
      unsent_log_kb REAL,
      unrestored_log_kb REAL,
      send_rate_kbps REAL,
      restore_rate_kbps REAL,
      log_generation_rate_kbps REAL,
      oldest_unsent_minutes REAL,
      commit_overhead_ms REAL,
      catch_up_seconds REAL
    );
    CREATE INDEX monitor_samples_pair_at ON monitor_samples (pair, at);
    CREATE TABLE monitor_alarms (
      pair TEXT NOT NULL,
      key TEXT NOT NULL,
      severity TEXT NOT NULL,
      raised_at TEXT NOT NULL,
      alarm TEXT NOT NULL,
      PRIMARY KEY (pair, key)
    );
    CREATE TABLE monitor_facts (
      pair TEXT NOT NULL,
      name TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (pair, name)
    );
  `,
};
