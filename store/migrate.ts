// Versioned schema migrations: each runs once, inside one transaction with its schema_migrations
// row, so a crash leaves the store at the previous version rather than half-migrated.
import type Database from 'better-sqlite3';
import type { Migration } from './migrations/migration.js';
import { StoreError } from './types.js';
import { nowIso } from './clock.js';

export function schemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function appliedVersions(db: Database.Database): Set<number> {
  if (schemaVersion(db) === 0) return new Set();
  return new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
}

/** Refuses, before anything is written, an SQLite file that holds some other application's tables. */
export function refuseForeignDatabase(db: Database.Database, path: string): void {
  if (schemaVersion(db) > 0) return;
  const foreign = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1").get();
  if (foreign) {
    throw new StoreError(
      'not-a-database',
      `${path} is an SQLite database of something else, not a mirrorbook store`,
      'point --store / MIRRORBOOK_STORE at the state.db mirrorbook created (or at a path that does not exist yet)',
    );
  }
}

export function migrate(db: Database.Database, path: string, migrations: readonly Migration[], readonly: boolean): number {
  const known = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > known) {
    throw new StoreError(
      'too-new',
      `the store ${path} has schema version ${current}, newer than this mirrorbook understands (${known})`,
      'use the mirrorbook version that wrote it (or newer); an older build must not write to it',
    );
  }
  // Versions are reserved per change and land in any order: one below the newest applied may
  // still be missing (a store migrated to 5 before 4 existed), so what is pending is what is not
  // recorded, not what is above the maximum.
  const applied = appliedVersions(db);
  const pending = migrations.filter((m) => !applied.has(m.version));
  if (pending.length === 0) return current;
  if (readonly) {
    throw new StoreError(
      'needs-migration',
      `the store ${path} is at schema version ${current} and needs migrating to ${known}, but it was opened read-only`,
      'run any mirrorbook command that writes (e.g. `mirrorbook runs`) once with write access to migrate it',
    );
  }
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    // Another process may have migrated between our read and our write lock.
    const again = appliedVersions(db);
    const insert = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pending) {
      if (again.has(m.version)) continue;
      db.exec(m.sql);
      insert.run(m.version, m.name, nowIso());
    }
  }).immediate();
  return known;
}
