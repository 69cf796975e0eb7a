import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { tempStore } from './support.js';

test('the store connection runs WAL with synchronous=FULL and foreign keys', () => {
  const t = tempStore();
  try {
    const info = t.store.info();
    assert.is(info.journalMode, 'wal');
    assert.is(info.synchronous, 2);
    assert.is(info.foreignKeys, true);
    assert.ok(info.busyTimeoutMs > 0);
  } finally {
    t.cleanup();
  }
});

test('WAL is recorded in the file, so every later connection gets it', () => {
  const t = tempStore();
  try {
    t.store.runs.list();
    t.store.audit.append({ kind: 'note', message: 'hello' });
    assert.ok(existsSync(`${t.path}-wal`));
    const raw = new Database(t.path, { readonly: true });
    assert.is(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  } finally {
    t.cleanup();
  }
});

test.run();
