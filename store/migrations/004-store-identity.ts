import type { Migration } from './migration.js';

// A random id made once, when the store is created (or first opened by a build that has this
// migration), and kept with it: every run anchor on the servers carries it, so `audit verify` holds
// this store to the anchors it wrote and names those another store (another host, another config
// directory) wrote on the same pair instead of calling them missing. A copy of the file keeps the
// id: an older copy put back is still held to the anchors written after it.
export const storeIdentity: Migration = {
  version: 4,
  name: 'store-identity',
  sql: `
    CREATE TABLE store_identity (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      store_id TEXT NOT NULL
    );
    INSERT INTO store_identity (id, store_id) VALUES (1, lower(hex(randomblob(16))));
  `,
};
