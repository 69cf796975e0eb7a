import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { runInput, tempStore, intactCount } from './support.js';

test('ordinary SQL cannot update or delete audit records or journal entries', () => {
  const t = tempStore();
  const raw = new Database(t.path);
  try {
    t.store.runs.create(runInput());
    t.store.journal.intent({ runId: 'run-1', stepId: 'master-key', attempt: 1, action: 'apply' });
    assert.throws(() => raw.exec("UPDATE audit SET message = 'rewritten'"), /append-only/);
    assert.throws(() => raw.exec('DELETE FROM audit'), /append-only/);
    assert.throws(() => raw.exec('DELETE FROM intents'), /append-only/);
    assert.throws(() => raw.exec("UPDATE intents SET step_id = 'other'"), /append-only/);
    assert.equal(intactCount(t.store.audit.verify()), 2);
  } finally {
    raw.close();
    t.cleanup();
  }
});

test.run();
