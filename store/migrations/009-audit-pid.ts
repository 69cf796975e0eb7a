import type { Migration } from './migration.js';

// Every audit record names the process that wrote it (pid, beside the host it already names): a run
// resumed after a kill shows which process did what. Records written before stay without one and
// keep their hash (store/audit-chain.ts).
export const auditPid: Migration = {
  version: 9,
  name: 'audit-pid',
  sql: 'ALTER TABLE audit ADD COLUMN pid INTEGER;',
};
