// What a login may do, as SQL Server decides it (learn.microsoft.com "Permissions of Fixed Server
// Roles", "Permissions Hierarchy (Database Engine)", "GRANT Server Permissions", "GRANT Endpoint
// Permissions", "Database-level roles"): sysadmin may do anything and no DENY applies to it; for
// everyone else a DENY anywhere on the path wins over any GRANT; a permission is held when it, or
// one that implies it, is granted to the login or to a server role it belongs to. CONTROL SERVER
// implies every server permission; ALTER ANY DATABASE covers ALTER on every database.

import type { DatabaseState, DatabaseUser, InstanceState, Login } from '../model.js';
import { mappedUser } from './database-access.js';
import { FIXED_SERVER_ROLES, isRoleMember } from './server-roles.js';
import { PERMISSION_CODES } from './permission-codes.js';

/** "Permissions of Fixed Server Roles": fixed, cannot be changed. public: VIEW ANY DATABASE. */
const SERVER_ROLE_PERMISSIONS: Record<string, readonly string[]> = {
  sysadmin: ['CONTROL SERVER'],
  serveradmin: ['ALTER ANY ENDPOINT', 'ALTER RESOURCES', 'ALTER SERVER STATE', 'ALTER SETTINGS', 'SHUTDOWN', 'VIEW SERVER STATE'],
  securityadmin: ['ALTER ANY LOGIN'],
  processadmin: ['ALTER ANY CONNECTION', 'ALTER SERVER STATE'],
  setupadmin: ['ALTER ANY LINKED SERVER'],
  bulkadmin: ['ADMINISTER BULK OPERATIONS'],
  diskadmin: ['ALTER RESOURCES'],
  dbcreator: ['CREATE ANY DATABASE'],
  public: ['VIEW ANY DATABASE', 'CONNECT SQL'],
};

/** A server permission → the server permissions that imply it (CONTROL SERVER implies all). */
const SERVER_IMPLIED_BY: Record<string, readonly string[]> = {
  'CREATE ANY DATABASE': ['ALTER ANY DATABASE'],
  'CREATE ENDPOINT': ['ALTER ANY ENDPOINT'],
  'VIEW SERVER STATE': ['ALTER SERVER STATE'],
  'VIEW ANY DATABASE': ['VIEW ANY DEFINITION'],
};

/** Every server permission fn_my_permissions lists, in the order SQL Server's docs name them. */
export const SERVER_PERMISSION_NAMES = [
  'ADMINISTER BULK OPERATIONS',
  'ALTER ANY CONNECTION',
  'ALTER ANY DATABASE',
  'ALTER ANY ENDPOINT',
  'ALTER ANY LINKED SERVER',
  'ALTER ANY LOGIN',
  'ALTER ANY SERVER ROLE',
  'ALTER RESOURCES',
  'ALTER SERVER STATE',
  'ALTER SETTINGS',
  'CONNECT SQL',
  'CONTROL SERVER',
  'CREATE ANY DATABASE',
  'CREATE ENDPOINT',
  'SHUTDOWN',
  'VIEW ANY DATABASE',
  'VIEW ANY DEFINITION',
  'VIEW SERVER STATE',
] as const;

export function isSysadminLogin(instance: InstanceState, login: Login | undefined): boolean {
  return login !== undefined && isRoleMember(instance, login.name, 'sysadmin');
}

/** The principal ids a login acts as: itself and the server roles it is a member of (public too). */
function serverPrincipals(instance: InstanceState, login: Login): Set<number> {
  const ids = new Set([login.principalId, FIXED_SERVER_ROLES.public!]);
  for (const [role, id] of Object.entries(FIXED_SERVER_ROLES)) if (isRoleMember(instance, login.name, role)) ids.add(id);
  return ids;
}

function serverRoles(instance: InstanceState, login: Login): string[] {
  return Object.keys(SERVER_ROLE_PERMISSIONS).filter((role) => isRoleMember(instance, login.name, role));
}

export function hasServerPermission(instance: InstanceState, login: Login | undefined, permission: string): boolean {
  if (!login) return false;
  if (isSysadminLogin(instance, login)) return true;
  const ids = serverPrincipals(instance, login);
  const candidates = [permission, ...(SERVER_IMPLIED_BY[permission] ?? []), 'CONTROL SERVER'];
  const stateOf = (name: string) =>
    instance.serverPermissions.filter((p) => p.class === 100 && ids.has(p.granteePrincipalId) && p.type === PERMISSION_CODES[name]).map((p) => p.state);
  if (stateOf(permission).includes('D')) return false;
  const byRole = serverRoles(instance, login).some((role) => candidates.some((name) => SERVER_ROLE_PERMISSIONS[role]!.includes(name)));
  return byRole || candidates.some((name) => stateOf(name).some((state) => state !== 'D'));
}

/** CONNECT, ALTER or CONTROL on the instance's endpoint: its owner, a grant on it, or the server
 * permission above it (ALTER ANY ENDPOINT → ALTER; CONTROL SERVER → CONTROL, which covers CONNECT). */
export function hasEndpointPermission(instance: InstanceState, login: Login | undefined, permission: 'CONNECT' | 'ALTER' | 'CONTROL'): boolean {
  const endpoint = instance.endpoint;
  if (!login || !endpoint) return false;
  if (isSysadminLogin(instance, login) || endpoint.ownerPrincipalId === login.principalId) return true;
  const ids = serverPrincipals(instance, login);
  const states = (name: string) =>
    instance.serverPermissions
      .filter((p) => p.class === 105 && p.majorId === endpoint.endpointId && ids.has(p.granteePrincipalId) && p.type === PERMISSION_CODES[name])
      .map((p) => p.state);
  if (states(permission).includes('D')) return false;
  const onEndpoint = [permission, 'CONTROL'].some((name) => states(name).some((state) => state !== 'D'));
  if (onEndpoint || hasServerPermission(instance, login, 'CONTROL SERVER')) return true;
  return permission === 'ALTER' && hasServerPermission(instance, login, 'ALTER ANY ENDPOINT');
}

/** "Database-level roles": what each fixed database role holds in its database. db_owner: all. */
const DATABASE_ROLE_PERMISSIONS: Record<string, readonly string[]> = {
  db_accessadmin: ['ALTER ANY USER', 'CONNECT', 'CREATE SCHEMA'],
  db_securityadmin: ['ALTER ANY ROLE', 'ALTER ANY APPLICATION ROLE', 'CREATE SCHEMA', 'VIEW DEFINITION'],
  db_ddladmin: ['CREATE TABLE', 'CREATE VIEW', 'CREATE PROCEDURE', 'CREATE FUNCTION', 'CREATE SCHEMA', 'ALTER ANY SCHEMA', 'CREATE CERTIFICATE'],
  db_backupoperator: ['BACKUP DATABASE', 'BACKUP LOG', 'CHECKPOINT'],
  db_datareader: ['SELECT'],
  db_datawriter: ['INSERT', 'UPDATE', 'DELETE'],
};
const DATABASE_ROLE_DENIES: Record<string, readonly string[]> = {
  db_denydatareader: ['SELECT'],
  db_denydatawriter: ['INSERT', 'UPDATE', 'DELETE'],
};

/** msdb's SQL Server Agent fixed database roles, least privileged first ("SQL Server Agent Fixed
 * Database Roles"): each may execute the Agent procedures that create and change jobs (their pages'
 * Permissions sections; what a member may do to a job is lab/instance/agent-jobs.ts). */
export const AGENT_ROLES = ['sqlagentuserrole', 'sqlagentreaderrole', 'sqlagentoperatorrole'] as const;
const AGENT_PROCEDURES = ['sp_add_job', 'sp_add_jobstep', 'sp_add_jobschedule', 'sp_add_jobserver', 'sp_update_job'].map((p) => `dbo.${p}`);

/** dbm_monitor (msdb) reads the Database Mirroring Monitor's status table ("Database Mirroring Monitor"). */
export const FIXED_DATABASE_ROLES = [
  'db_owner',
  ...Object.keys(DATABASE_ROLE_PERMISSIONS),
  ...Object.keys(DATABASE_ROLE_DENIES),
  'dbm_monitor',
  ...AGENT_ROLES,
];
/** The fixed roles only msdb has. */
export const MSDB_ROLES: readonly string[] = ['dbm_monitor', ...AGENT_ROLES];

/** A server permission that covers a database permission on every database. */
const DATABASE_FROM_SERVER: Record<string, string> = {
  ALTER: 'ALTER ANY DATABASE',
  'CREATE DATABASE': 'CREATE ANY DATABASE',
};

export function databaseUserOf(instance: InstanceState, login: Login, database: DatabaseState): DatabaseUser | undefined {
  if (database.state !== 'ONLINE') return undefined;
  return mappedUser(database, login);
}

export function isDatabaseRoleMember(instance: InstanceState, login: Login | undefined, database: DatabaseState, role: string): boolean {
  if (!login) return false;
  if (isSysadminLogin(instance, login)) return true;
  return (databaseUserOf(instance, login, database)?.roles ?? []).includes(role.toLowerCase());
}

/** A database permission (on the database when `object` is null, else on dbo.object). */
export function hasDatabasePermission(
  instance: InstanceState,
  login: Login | undefined,
  database: DatabaseState,
  permission: string,
  object: string | null = null,
): boolean {
  if (!login) return false;
  if (isSysadminLogin(instance, login) || hasServerPermission(instance, login, 'CONTROL SERVER')) return true;
  const fromServer = DATABASE_FROM_SERVER[permission];
  if (fromServer && hasServerPermission(instance, login, fromServer)) return true;
  const user = databaseUserOf(instance, login, database);
  if (!user) return false;
  const roles = user.roles ?? [];
  if (roles.includes('db_owner')) return true;
  const explicit = (user.permissions ?? []).filter((p) => p.permission === permission && (p.object === null || p.object === object));
  if (explicit.some((p) => p.state === 'D') || roles.some((role) => DATABASE_ROLE_DENIES[role]?.includes(permission))) return false;
  const agentProcedure =
    permission === 'EXECUTE' && object !== null && database.name.toLowerCase() === 'msdb' && AGENT_PROCEDURES.includes(object.toLowerCase());
  return (
    explicit.length > 0 ||
    roles.some((role) => DATABASE_ROLE_PERMISSIONS[role]?.includes(permission)) ||
    (agentProcedure && roles.some((role) => (AGENT_ROLES as readonly string[]).includes(role)))
  );
}

/** fn_my_permissions(NULL, 'SERVER'): the server permissions the login holds. */
export function myServerPermissions(instance: InstanceState, login: Login | undefined): string[] {
  return SERVER_PERMISSION_NAMES.filter((name) => hasServerPermission(instance, login, name));
}

/** Database permissions fn_my_permissions(db, 'DATABASE') considers. */
export const DATABASE_PERMISSION_NAMES = [
  'ALTER',
  'ALTER ANY ROLE',
  'ALTER ANY USER',
  'BACKUP DATABASE',
  'BACKUP LOG',
  'CONNECT',
  'CONTROL',
  'CREATE CERTIFICATE',
  'CREATE DATABASE',
  'CREATE TABLE',
  'DELETE',
  'INSERT',
  'SELECT',
  'UPDATE',
  'VIEW DEFINITION',
] as const;

export function myDatabasePermissions(instance: InstanceState, login: Login | undefined, database: DatabaseState): string[] {
  return DATABASE_PERMISSION_NAMES.filter((name) => {
    if (name === 'CONTROL') return isDatabaseRoleMember(instance, login, database, 'db_owner') || hasServerPermission(instance, login, 'CONTROL SERVER');
    if (name === 'CONNECT') return login !== undefined && (isSysadminLogin(instance, login) || databaseUserOf(instance, login, database) !== undefined);
    return hasDatabasePermission(instance, login, database, name);
  });
}
