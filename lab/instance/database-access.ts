// Whether a login may use a database: a member of sysadmin always; anyone in master, msdb and
// tempdb (their guest user has CONNECT); elsewhere only through a database user whose SID is the
// login's — a user restored from another server whose login has another SID here is orphaned.
// Refusals as SQL Server gives them (learn.microsoft.com: MSSQLSERVER_916, MSSQLSERVER_4064,
// MSSQLSERVER_18456 state 38 "Failed to open the explicitly specified database").

import { SqlError } from '../errors.js';
import type { DatabaseState, InstanceState, Login } from '../model.js';
import { isRoleMember } from './server-roles.js';

const GUEST_OPEN = new Set(['MASTER', 'MSDB', 'TEMPDB']);

export function mappedUser(database: DatabaseState, login: Login) {
  return Object.values(database.users).find((user) => user.loginSidHex !== null && user.loginSidHex.toLowerCase() === login.sidHex.toLowerCase());
}

export function canUseDatabase(instance: InstanceState, login: Login | undefined, database: DatabaseState): boolean {
  if (GUEST_OPEN.has(database.name.toUpperCase())) return true;
  if (!login) return false;
  return isRoleMember(instance, login.name, 'sysadmin') || mappedUser(database, login) !== undefined;
}

export function cannotAccess(login: string, database: string): SqlError {
  return new SqlError(916, `The server principal "${login}" is not able to access the database "${database}" under the current security context.`, {
    class: 14,
  });
}
