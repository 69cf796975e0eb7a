// Opens (creating if needed) the SQLite store: WAL with synchronous=FULL so a commit survives
// power loss, foreign keys on, migrated to this build's schema. Failures the operator can act on
// (corrupt, locked, read-only, full, not a database, too new) come out as StoreError.
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createAudit } from './audit.js';
import { createJournal } from './journal.js';
import { createLocks } from './locks.js';
import { migrate, refuseForeignDatabase, schemaVersion } from './migrate.js';
import { migrations } from './migrations/index.js';
import { createRuns } from './runs.js';
import { createSnapshots } from './snapshots.js';
import { createMonitorStore } from './monitor.js';
import { guarded } from './sqlite-errors.js';
import { StoreError, type OpenOptions, type Store } from './types.js';

const BUSY_TIMEOUT_MS = 5000;

export function openStore(path: string, options: OpenOptions = {}): Store {
  const file = resolve(path);
  const readonly = options.readonly ?? false;
  return guarded(file, () => {
    prepareFile(file, readonly);
    const db = new Database(file, { readonly, fileMustExist: readonly, timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
    try {
      configure(db, file, readonly);
      migrate(db, file, migrations, readonly);
      return assemble(db, file, readonly);
    } catch (error) {
      db.close();
      throw error;
    }
  });
}

function prepareFile(file: string, readonly: boolean): void {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new StoreError('cannot-open', `the store ${file} is a directory`, `point --store / MIRRORBOOK_STORE at a file, e.g. ${file}/state.db`);
  }
  if (readonly) {
    if (!existsSync(file)) {
      throw new StoreError('cannot-open', `there is no store at ${file}`, 'run a procedure first, or point --store / MIRRORBOOK_STORE at an existing state.db');
    }
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file)) return;
  // root ignores permission bits, but a store someone made read-only is meant to stay that way.
  const mode = statSync(file).mode;
  let writable = (mode & 0o222) !== 0;
  try {
    accessSync(file, constants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable) {
    throw new StoreError('read-only', `the store ${file} is read-only (mode ${(mode & 0o777).toString(8)})`,
      `read commands (runs, show, audit) open it read-only and work; to run or resume, make it writable: chmod u+w ${file}`);
  }
}

function configure(db: Database.Database, file: string, readonly: boolean): void {
  // Reading the schema first turns "not a database" into an error here, not mid-run.
  refuseForeignDatabase(db, file);
  if (!readonly) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError('cannot-open', `the store could not switch to WAL (journal mode is ${String(mode)})`, 'keep the store on a local file system (WAL needs shared memory; network shares do not provide it)');
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}

function assemble(db: Database.Database, file: string, readonly: boolean): Store {
  const audit = createAudit(db);
  const store: Store = {
    path: file,
    readonly,
    close: () => db.close(),
    info: () => guarded(file, () => ({
      schemaVersion: schemaVersion(db),
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
      foreignKeys: Number(db.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
    })),
    transaction: <T>(fn: () => T): T => guarded(file, () => db.transaction(fn).immediate()),
    runs: createRuns(db, audit),
    journal: createJournal(db, audit),
    snapshots: createSnapshots(db),
    audit,
    locks: createLocks(db, audit),
    monitor: createMonitorStore(db),
  };
  for (const part of [store.runs, store.journal, store.snapshots, store.audit, store.locks, store.monitor] as Record<string, unknown>[]) {
    guardMethods(part, file);
  }
  return store;
}

function guardMethods(part: Record<string, unknown>, file: string): void {
  for (const [name, method] of Object.entries(part)) {
    if (typeof method === 'function') part[name] = (...args: unknown[]) => guarded(file, () => method(...args));
  }
}
