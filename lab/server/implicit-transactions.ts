// SET IMPLICIT_TRANSACTIONS ON (learn.microsoft.com "SET IMPLICIT_TRANSACTIONS"): with no
// transaction open, ALTER TABLE, BEGIN TRANSACTION, CREATE, DELETE, DENY, DROP, FETCH, GRANT,
// INSERT, MERGE, OPEN, REVOKE, SELECT (from a table), TRUNCATE TABLE and UPDATE begin one — an
// explicit BEGIN TRANSACTION then makes @@TRANCOUNT 2. Of those the lab has CREATE, DROP, GRANT /
// DENY / REVOKE, INSERT, SELECT and BEGIN TRANSACTION.

import type { Statement } from '../sql/ast.js';

export function startsImplicitTransaction(statement: Statement): boolean {
  if (statement.kind === 'select') return statement.from !== undefined;
  if (statement.kind === 'transaction') return statement.action === 'BEGIN';
  return statement.kind === 'permission' || statement.kind === 'insert' || statement.kind.startsWith('create') || statement.kind.startsWith('drop');
}
