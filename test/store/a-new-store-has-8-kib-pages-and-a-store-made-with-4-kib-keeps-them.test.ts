// A new store is made with 8 KiB pages: reading a whole store (audit verify) costs a read call per
// page, and at a million records that is ~0.7 s of CPU less than with SQLite's 4 KiB (README). A
// store made with 4 KiB pages (by an older build) keeps them, and proves as before. Either way the
// WAL is checkpointed at 40 MB, so a run of a few hundred steps still checkpoints at its end only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openStore, proveStoreFile } from '../../store/index.js';
import { fillAudit } from './tamper.js';
import { tempStore } from './support.js';

const CHECKPOINT_BYTES = 40 * 1024 * 1024;

test('a new store: 8 KiB pages, a checkpoint at 40 MB of WAL', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 5);
    const info = t.store.info();
    assert.equal([info.pageSize, info.walAutocheckpoint * info.pageSize], [8192, CHECKPOINT_BYTES]);
  } finally {
    t.cleanup();
  }
});

test('a store made with 4 KiB pages keeps them, checkpoints at 40 MB too, and proves intact', () => {
  const t = tempStore();
  try {
    t.store.close();
    const older = join(t.dir, 'older.db');
    // What an older build made: SQLite's default page, fixed by the first write.
    const raw = new Database(older);
    raw.pragma('page_size = 4096');
    raw.pragma('journal_mode = WAL');
    raw.close();
    const store = openStore(older);
    try {
      fillAudit(store, 5);
      const info = store.info();
      assert.equal([info.pageSize, info.walAutocheckpoint * info.pageSize], [4096, CHECKPOINT_BYTES]);
    } finally {
      store.close();
    }
    const proof = proveStoreFile(older);
    assert.equal([proof.chain.ok, proof.chain.count, proof.findings], [true, 5, []]);
  } finally {
    t.cleanup();
  }
});

test.run();
