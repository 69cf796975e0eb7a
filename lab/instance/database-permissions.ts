// Database principals' permissions and fixed database role membership: GRANT/DENY/REVOKE on the
// current database or on one of its tables (dbo.name), and ALTER ROLE <fixed role> ADD/DROP
// MEMBER, msdb's own roles (dbm_monitor, the SQL Server Agent roles) in msdb only (learn.microsoft.com "GRANT Database Permissions", "GRANT Object Permissions", "ALTER
// ROLE", "Database-level roles"). User-defined database roles are not simulated (15151).

import type { DatabasePermission, DatabaseUser } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { SqlError } from '../errors.js';
import { DATABASE_PERMISSION_NAMES, FIXED_DATABASE_ROLES, MSDB_ROLES } from './effective-permissions.js';
import { findByName } from './principals.js';
import { currentDatabase, notFound } from './scope.js';

function user(env: ExecEnv, name: string, verb: 'find' | 'add' | 'drop'): DatabaseUser {
  const found = findByName(currentDatabase(env).users, name)?.[1];
  if (!found) throw notFound(verb, 'user', name);
  return found;
}

/** Database and object permissions the lab knows; any other name is refused, never stored. */
const KNOWN = new Set<string>([
  ...DATABASE_PERMISSION_NAMES,
  'EXECUTE',
  'REFERENCES',
  'CREATE VIEW',
  'CREATE PROCEDURE',
  'CREATE FUNCTION',
  'CREATE SCHEMA',
  'ALTER ANY SCHEMA',
  'ALTER ANY APPLICATION ROLE',
  'CHECKPOINT',
  'TAKE OWNERSHIP',
]);

export function changeDatabasePermission(
  env: ExecEnv,
  action: 'GRANT' | 'DENY' | 'REVOKE',
  permission: string,
  object: string[] | null,
  principals: string[],
): void {
  if (!KNOWN.has(permission)) throw new SqlError(15151, `Cannot find the permission '${permission}', because it does not exist or you do not have permission.`);
  const objectKey = object === null ? null : `dbo.${(object.at(-1) ?? '').toLowerCase()}`;
  for (const name of principals) {
    const grantee = user(env, name, 'find');
    const others = (grantee.permissions ?? []).filter((p) => !(p.permission === permission && p.object === objectKey));
    if (action !== 'REVOKE') others.push({ object: objectKey, permission, state: action === 'DENY' ? 'D' : 'G' } satisfies DatabasePermission);
    grantee.permissions = others;
  }
  env.changed();
}

export function alterDatabaseRole(env: ExecEnv, role: string, action: 'ADD' | 'DROP', member: string): void {
  const name = role.toLowerCase();
  const inMsdb = currentDatabase(env).name.toLowerCase() === 'msdb';
  if (!FIXED_DATABASE_ROLES.includes(name) || (MSDB_ROLES.includes(name) && !inMsdb)) throw notFound('alter', 'role', role);
  const target = user(env, member, action === 'ADD' ? 'add' : 'drop');
  const roles = (target.roles ?? []).filter((existing) => existing !== name);
  if (action === 'ADD') roles.push(name);
  target.roles = roles;
  env.changed();
}
