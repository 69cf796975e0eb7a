// The store's own id (migration 4): read by the store to stamp its anchors, and by verify to tell
// the anchors this store wrote from those of other stores on the same pair.
import type Database from 'better-sqlite3';

/** null for a store from before ids (opened read-only, not yet migrated) or whose row is gone. */
export function storeIdOf(db: Database.Database): string | null {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_identity'").get();
  if (!table) return null;
  return (db.prepare('SELECT store_id FROM store_identity WHERE id = 1').pluck().get() as string | undefined) ?? null;
}
