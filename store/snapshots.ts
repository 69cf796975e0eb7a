// Checkpoints: the latest persisted XState snapshot per run, pinned to the definition hash it was
// taken with. A cache of the journal, so only the newest one is kept.
import type Database from 'better-sqlite3';
import { nowIso } from './clock.js';
import { unknownRun } from './runs.js';
import { secretFree } from './secret-guard.js';
import type { Store } from './types.js';

export function createSnapshots(db: Database.Database): Store['snapshots'] {
  const runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck();
  const upsert = db.prepare(`INSERT INTO snapshots (run_id, snapshot, definition_hash, saved_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id) DO UPDATE SET snapshot = excluded.snapshot, definition_hash = excluded.definition_hash, saved_at = excluded.saved_at`);
  const byRun = db.prepare('SELECT snapshot, definition_hash, saved_at FROM snapshots WHERE run_id = ?');

  const save = db.transaction((runId: string, snapshot: unknown, definitionHash: string) => {
    if (!runExists.get(runId)) throw unknownRun(runId);
    upsert.run(runId, secretFree(JSON.stringify(snapshot), 'snapshot'), definitionHash, nowIso());
  });

  return {
    save: (runId, snapshot, definitionHash) => save.immediate(runId, snapshot, definitionHash),
    load(runId) {
      const row = byRun.get(runId) as { snapshot: string; definition_hash: string; saved_at: string } | undefined;
      return row && { snapshot: JSON.parse(row.snapshot) as unknown, definitionHash: row.definition_hash, savedAt: row.saved_at };
    },
  };
}
