import type { Migration } from './migration.js';

// The head remembers the last record the store appended, so cutting records off the end of the
// chain (which leaves every remaining link valid) is still detected.
export const auditHead: Migration = {
  version: 2,
  name: 'audit-head',
  sql: `
    CREATE TABLE audit_head (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL
    );
    INSERT INTO audit_head (id, seq, hash)
      SELECT 1, seq, hash FROM audit ORDER BY seq DESC LIMIT 1;
  `,
};
