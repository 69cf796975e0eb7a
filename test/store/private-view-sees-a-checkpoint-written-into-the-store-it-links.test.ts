// `audit verify` reads the store through a private view (store/private-view.ts); with an empty WAL
// that view is a hard link, so a run ending meanwhile (its checkpoint writes the main file) changes
// what is being read. The view says so (proveStoreFile then reads the store again, store/prove-file.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { privateView } from '../../store/private-view.js';
import { runInput, tempStore } from './support.js';

test('a view of a store nobody writes is unchanged; a checkpoint into the store after it is seen', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput('run-1'));
    t.store.close();
    assert.ok(!existsSync(`${t.path}-wal`) || statSync(`${t.path}-wal`).size === 0, 'the store was closed with its WAL checkpointed');
    const view = privateView(t.path);
    try {
      assert.is(view.walBytes, 0);
      assert.is(statSync(view.path).ino, statSync(t.path).ino, 'an empty WAL: the view is a hard link');
      assert.is(view.changed(), false);
      const writer = new Database(t.path);
      writer.exec("CREATE TABLE scratch (x); INSERT INTO scratch VALUES ('a run ending');");
      writer.pragma('wal_checkpoint(TRUNCATE)');
      writer.close();
      assert.is(view.changed(), true);
    } finally {
      view.dispose();
    }
  } finally {
    t.cleanup();
  }
});

test.run();
