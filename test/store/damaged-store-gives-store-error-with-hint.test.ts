import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { chmodSync, openSync, readFileSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { storeErrorFrom } from '../../store/sqlite-errors.js';
import { runInput, storeErrorOf, tempStore } from './support.js';

test('a corrupted store file is a StoreError with a recovery hint', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    for (let i = 0; i < 200; i += 1) t.store.audit.append({ kind: 'note', runId: 'run-1', message: `note ${i}` });
    t.store.close();
    const pageSize = readFileSync(t.path).readUInt16BE(16);
    const fd = openSync(t.path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize * 8, 0xa5), 0, pageSize * 8, pageSize);
    closeSync(fd);
    const e = storeErrorOf(() => {
      const store = openStore(t.path);
      try {
        store.runs.list();
        store.audit.verify();
      } finally {
        store.close();
      }
    });
    assert.is(e.code, 'corrupt');
    assert.match(e.message, t.path);
    assert.match(e.hint, '.recover');
  } finally {
    t.cleanup();
  }
});

test('a file that is not a database is a StoreError, not a stack trace', () => {
  const t = tempStore();
  try {
    const path = join(t.dir, 'notes.txt');
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200));
    const e = storeErrorOf(() => openStore(path));
    assert.is(e.code, 'not-a-database');
    assert.match(e.hint, '--store');
  } finally {
    t.cleanup();
  }
});

test("another application's SQLite database is refused, not adopted", () => {
  const t = tempStore();
  try {
    const path = join(t.dir, 'inventory.db');
    const other = new Database(path);
    other.exec('CREATE TABLE parts (id INTEGER PRIMARY KEY, name TEXT)');
    other.close();
    const e = storeErrorOf(() => openStore(path));
    assert.is(e.code, 'not-a-database');
    const check = new Database(path, { readonly: true });
    assert.equal(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all(), ['parts']);
    assert.is(check.pragma('journal_mode', { simple: true }), 'delete');
    check.close();
  } finally {
    t.cleanup();
  }
});

test('a read-only store file is refused for writing with a hint, and still opens read-only', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    t.store.close();
    chmodSync(t.path, 0o444);
    const e = storeErrorOf(() => openStore(t.path));
    assert.is(e.code, 'read-only');
    assert.match(e.hint, 'chmod');
    const reader = openStore(t.path, { readonly: true });
    assert.is(reader.runs.get('run-1')?.operator, 'alice');
    const write = storeErrorOf(() => reader.audit.append({ kind: 'note', message: 'cannot' }));
    assert.is(write.code, 'read-only');
    reader.close();
  } finally {
    chmodSync(t.path, 0o644);
    t.cleanup();
  }
});

test('a store path inside a file (not a directory) is a StoreError', () => {
  const t = tempStore();
  try {
    const blocker = join(t.dir, 'blocker');
    writeFileSync(blocker, 'x');
    const e = storeErrorOf(() => openStore(join(blocker, 'state.db')));
    assert.is(e.code, 'cannot-open');
  } finally {
    t.cleanup();
  }
});

test('a store held in a write transaction by another process is a StoreError once the wait runs out', () => {
  const t = tempStore();
  t.store.close();
  const holder = new Database(t.path);
  try {
    holder.exec('BEGIN IMMEDIATE');
    const store = openStore(t.path, { busyTimeoutMs: 50 });
    const e = storeErrorOf(() => store.audit.append({ kind: 'note', message: 'blocked' }));
    assert.is(e.code, 'locked');
    holder.exec('ROLLBACK');
    assert.is(store.audit.append({ kind: 'note', message: 'after' }).seq, 1);
    store.close();
  } finally {
    holder.close();
    t.cleanup();
  }
});

test('a full disk and an I/O error map to StoreErrors with hints', () => {
  const full = storeErrorFrom(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), '/x/state.db');
  assert.is(full?.code, 'disk-full');
  assert.match(full?.hint ?? '', 'free space');
  const enospc = storeErrorFrom(Object.assign(new Error('no space left'), { code: 'ENOSPC' }), '/x/state.db');
  assert.is(enospc?.code, 'disk-full');
  assert.is(storeErrorFrom(new TypeError('a bug'), '/x/state.db'), undefined);
});

test.run();
