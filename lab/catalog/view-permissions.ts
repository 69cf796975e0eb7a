// What a login without VIEW SERVER STATE sees of the server-state views (learn.microsoft.com, each
// view's Permissions section): sys.dm_exec_sessions and sys.dm_exec_requests only its own session;
// the others refuse with 300 + 297. Tables (msdb history, user tables) need SELECT (229).

import { SqlError } from '../errors.js';
import type { DatabaseState } from '../model.js';
import type { Relation } from '../sql/catalog.js';
import { hasServerPermission } from '../instance/effective-permissions.js';
import { requireObjectPermission } from '../instance/authorization.js';
import { sessionLogin } from '../instance/scope.js';
import type { CatalogContext } from './context.js';

const OWN_SESSION_ONLY = new Set(['dm_exec_sessions', 'dm_exec_requests']);
const SERVER_STATE = new Set(['dm_server_services', 'dm_exec_connections', 'dm_db_mirroring_connections', 'dm_os_performance_counters', 'dm_os_volume_stats']);

export function serverView(ctx: CatalogContext, name: string, view: (ctx: CatalogContext) => Relation): Relation {
  if (!OWN_SESSION_ONLY.has(name) && !SERVER_STATE.has(name)) return view(ctx);
  if (hasServerPermission(ctx.instance, sessionLogin(ctx), 'VIEW SERVER STATE')) return view(ctx);
  if (SERVER_STATE.has(name)) {
    throw new SqlError(300, "VIEW SERVER STATE permission was denied on object 'server', database 'master'.", {
      class: 14,
      followUps: [new SqlError(297, 'The user does not have permission to perform this action.')],
    });
  }
  const relation = view(ctx);
  const at = relation.columns.findIndex((column) => column.name === 'session_id');
  return { columns: relation.columns, rows: relation.rows.filter((row) => row[at] === ctx.session.spid) };
}

/** A table read with SELECT: the login needs SELECT on it (db_datareader, a GRANT, db_owner …). */
export function readTable(ctx: CatalogContext, database: DatabaseState, name: string, relation: Relation | undefined): Relation | undefined {
  if (relation) requireObjectPermission(ctx, database, name, 'SELECT');
  return relation;
}
