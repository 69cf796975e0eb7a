// Opens (creating if needed) the SQLite store: WAL with synchronous=FULL so a commit survives
// power loss (a transaction may ask for no fsync: it becomes durable with the next one), foreign keys on, migrated to this build's schema. Failures the operator can act on
// (corrupt, locked, read-only, full, not a database, too new) come out as StoreError. The store's
// directory is private to its user (0700) and its files 0600: it holds who ran what, where.
// A read-only open goes through a private view (nothing beside the store is created or written)
// and never creates a store: a missing or empty (0-byte) file is refused, by every command.
import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createAudit } from './audit.js';
import { createJournal } from './journal.js';
import { createLocks } from './locks.js';
import { migrate, refuseForeignDatabase, schemaVersion } from './migrate.js';
import { migrations } from './migrations/index.js';
import { privateView, type PrivateView } from './private-view.js';
import { createRuns } from './runs.js';
import { createSnapshots } from './snapshots.js';
import { createMonitorStore } from './monitor.js';
import { guarded } from './sqlite-errors.js';
import { createWalGuard } from './wal-guard.js';
import { storeIdOf } from './store-identity.js';
import { KEYED } from './audit-chain.js';
import { StoreError, type OpenOptions, type Store } from './types.js';

const BUSY_TIMEOUT_MS = 5000;
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

export function openStore(path: string, options: OpenOptions = {}): Store {
  const file = resolve(path);
  const readonly = options.readonly ?? false;
  return guarded(file, () => {
    prepareFile(file, readonly);
    const view = readonly ? privateView(file) : undefined;
    let db: Database.Database;
    try {
      db = new Database(view?.path ?? file, { readonly, fileMustExist: readonly, timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
    } catch (error) {
      view?.dispose();
      throw error;
    }
    try {
      configure(db, file, readonly);
      migrate(db, file, migrations, readonly);
      if (!readonly) keepPrivate(file);
      return assemble(db, file, options, view);
    } catch (error) {
      db.close();
      view?.dispose();
      throw error;
    }
  });
}

/** Refuses what is not a store file before SQLite sees it (SQLite would make an empty file a new store). */
export function refuseNonStore(file: string): void {
  if (!existsSync(file)) {
    throw new StoreError('cannot-open', `there is no store at ${file}`, 'run a procedure first, or point --store / MIRRORBOOK_STORE at an existing state.db');
  }
  const stat = statSync(file);
  if (stat.isDirectory()) {
    throw new StoreError('cannot-open', `the store ${file} is a directory`, `point --store / MIRRORBOOK_STORE at a file, e.g. ${file}/state.db`);
  }
  if (!stat.isFile())
    throw new StoreError('cannot-open', `the store ${file} is not a regular file`, 'point --store / MIRRORBOOK_STORE at the state.db mirrorbook created');
  if (stat.size === 0) {
    throw new StoreError(
      'corrupt',
      `the store ${file} is empty (0 bytes): its history is gone or it was never a store`,
      `nothing was created over it; if a crash emptied it, restore it from a backup (the servers' anchors name the runs it held: \`mirrorbook audit verify\`); to start afresh, move it aside`,
    );
  }
}

function prepareFile(file: string, readonly: boolean): void {
  if (existsSync(file) && statSync(file).isDirectory()) refuseNonStore(file);
  if (readonly) {
    refuseNonStore(file);
    return;
  }
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
  if (!existsSync(file)) {
    // Created here, private from the first byte: SQLite gives its -wal and -shm the same mode.
    closeSync(openSync(file, 'wx', PRIVATE_FILE));
    return;
  }
  refuseNonStore(file);
  // root ignores permission bits, but a store someone made read-only is meant to stay that way.
  const mode = statSync(file).mode;
  let writable = (mode & 0o222) !== 0;
  try {
    accessSync(file, constants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable) {
    throw new StoreError(
      'read-only',
      `the store ${file} is read-only (mode ${(mode & 0o777).toString(8)})`,
      `read commands (runs, show, audit) open it read-only and work; to run or resume, make it writable: chmod u+w ${file}`,
    );
  }
}

/** An older build left the store readable by others: the store and its WAL files become 0600. */
function keepPrivate(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(f).mode & 0o077) !== 0) chmodSync(f, PRIVATE_FILE);
    } catch {
      // -wal / -shm may not exist yet; they take the main file's mode when SQLite creates them.
    }
  }
}

/** A new store's page size. Reading a whole store (audit verify's integrity check, chain walk and tie
 * scan) costs a read call per page: at a million records 8 KiB pages take ~0.7 s less CPU than
 * SQLite's 4 KiB, and 16 KiB ~1.2 s less but cost every commit of a run ~60% more (a commit writes
 * whole pages) — 8 KiB costs a commit about what 4 KiB does (README, "Audit at 1,000,000 records"
 * and "Engine"). A store keeps the size it was made with. */
const NEW_STORE_PAGE_BYTES = 8192;
/** How much WAL a store lets grow before SQLite checkpoints it into the main file. */
const CHECKPOINT_BYTES = 40 * 1024 * 1024;

function configure(db: Database.Database, file: string, readonly: boolean): void {
  // Reading the schema first turns "not a database" into an error here, not mid-run.
  refuseForeignDatabase(db, file);
  // Only an empty file takes a page size: SQLite fixes it with the first page written.
  if (!readonly && db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${NEW_STORE_PAGE_BYTES}`);
  if (!readonly) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal')
      throw new StoreError(
        'cannot-open',
        `the store could not switch to WAL (journal mode is ${String(mode)})`,
        'keep the store on a local file system (WAL needs shared memory; network shares do not provide it)',
      );
  }
  db.pragma('synchronous = FULL');
  // A WAL checkpoint costs two fsyncs (the log, then the database); at SQLite's default of 1,000
  // pages (of 4 KiB) one would fall every ~80 steps of a run. 40 MB of log keeps them out of a run
  // of a few hundred steps (a commit writes whole pages: ~14 KB with 4 KiB pages, ~25 KB with 8 KiB).
  db.pragma(`wal_autocheckpoint = ${Math.round(CHECKPOINT_BYTES / Number(db.pragma('page_size', { simple: true })))}`);
  db.pragma('foreign_keys = ON');
}

function assemble(db: Database.Database, file: string, options: OpenOptions, view: PrivateView | undefined): Store {
  const readonly = view !== undefined;
  const audit = createAudit(db, {
    ...(options.auditKey ? { key: options.auditKey } : {}),
    walBytes: view?.walBytes ?? walSize(file),
    ...(view ? { viewPath: view.path } : {}),
  });
  const wal = createWalGuard(db);
  const store: Store = {
    path: file,
    id: storeIdOf(db),
    readonly,
    close: () => {
      // A clean close checkpoints everything into the main file: what this process held is settled.
      // If that fails (a full disk) the note stays, which is what a crash would have left.
      try {
        if (!readonly) wal.settleProcess();
      } catch {
        // Closing must still release the file; a note left behind reads as a crash would.
      }
      db.close();
      view?.dispose();
    },
    info: () =>
      guarded(file, () => ({
        schemaVersion: schemaVersion(db),
        journalMode: String(db.pragma('journal_mode', { simple: true })),
        synchronous: Number(db.pragma('synchronous', { simple: true })),
        foreignKeys: Number(db.pragma('foreign_keys', { simple: true })) === 1,
        busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
        pageSize: Number(db.pragma('page_size', { simple: true })),
        walAutocheckpoint: Number(db.pragma('wal_autocheckpoint', { simple: true })),
      })),
    transaction: <T>(fn: () => T, options?: { sync?: boolean }): T =>
      guarded(file, () => {
        if (options?.sync !== false || db.inTransaction) return db.transaction(fn).immediate();
        // WAL keeps commit order: this commit becomes durable with the next synchronous one.
        db.pragma('synchronous = NORMAL');
        try {
          return db.transaction(fn).immediate();
        } finally {
          db.pragma('synchronous = FULL');
        }
      }),
    runs: createRuns(db, audit),
    journal: createJournal(db, audit),
    snapshots: createSnapshots(db),
    audit,
    locks: createLocks(db, audit),
    wal,
    monitor: createMonitorStore(db),
  };
  if (options.auditKey && !readonly) signFromHere(db, store);
  for (const part of [store.runs, store.journal, store.snapshots, store.audit, store.locks, store.wal, store.monitor] as Record<string, unknown>[]) {
    guardMethods(part, file);
  }
  return store;
}

function guardMethods(part: Record<string, unknown>, file: string): void {
  for (const [name, method] of Object.entries(part)) {
    if (typeof method === 'function') part[name] = (...args: unknown[]) => guarded(file, () => method(...args));
  }
}

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

/** With a key configured, the head must be keyed (see audit-verify.ts): a store whose last record
 * predates the key gets a keyed note at once, so verify can hold every later record to the key. */
function signFromHere(db: Database.Database, store: Store): void {
  const head = db.prepare('SELECT hash FROM audit_head WHERE id = 1').pluck().get() as string | undefined;
  if (head !== undefined && !head.startsWith(KEYED)) {
    store.audit.append({ kind: 'note', runId: null, message: 'audit records are signed with the configured audit key (audit.key) from here on' });
  }
}
