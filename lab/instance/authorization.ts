// Who may run what: each statement the lab simulates needs what its learn.microsoft.com page's
// Permissions section names, checked through lab/instance/effective-permissions.ts (sysadmin
// passes everything, as before), and is refused with the error SQL Server gives:
//   CREATE ENDPOINT: CREATE ENDPOINT (262) · ALTER/DROP ENDPOINT: ALTER on it (15151) ·
//   GRANT … ON ENDPOINT: CONTROL on it or ALTER ANY ENDPOINT (15151) · GRANT of a server
//   permission: CONTROL SERVER (4613) · CREATE LOGIN: ALTER ANY LOGIN (15247), ALTER/DROP LOGIN
//   (15151) · ALTER SERVER ROLE / sp_addsrvrolemember: membership in that role (15151) ·
//   CREATE/DROP MASTER KEY and DATABASE ENCRYPTION KEY: CONTROL on the database (15247) · CREATE CERTIFICATE: CREATE
//   CERTIFICATE (262) · BACKUP/DROP CERTIFICATE: CONTROL (15151) · CREATE USER: ALTER ANY USER
//   (15247), DROP USER (15151) · ALTER ROLE: ALTER ANY ROLE or db_owner (15151) · CREATE DATABASE:
//   CREATE ANY DATABASE (262) · DROP DATABASE: CONTROL or ALTER ANY DATABASE (3701) · ALTER
//   DATABASE: ALTER (5011) · BACKUP: BACKUP DATABASE/LOG (262) · RESTORE: over a database
//   sysadmin or dbcreator, a new one CREATE ANY DATABASE (3110) · CREATE TABLE: CREATE TABLE (262)
//   · DROP TABLE: ALTER on the schema, CONTROL on the table or db_ddladmin (3701) · INSERT / SELECT
//   on a table: the object permission (229).

import { SqlError } from '../errors.js';
import type { DatabaseState } from '../model.js';
import type { Statement } from '../sql/ast.js';
import type { ExecEnv } from '../server/env.js';
import { hasDatabasePermission, hasEndpointPermission, hasServerPermission, isDatabaseRoleMember, isSysadminLogin } from './effective-permissions.js';
import { findDatabase, sessionLogin } from './scope.js';
import { isRoleMember } from './server-roles.js';

export function isSysadmin(env: Pick<ExecEnv, 'instance' | 'session'>): boolean {
  return isRoleMember(env.instance, env.session.login, 'sysadmin');
}

export function requireSysadmin(env: ExecEnv): void {
  if (!isSysadmin(env)) throw new SqlError(15247, 'User does not have permission to perform this action.');
}

const noPermission = (): SqlError => new SqlError(15247, 'User does not have permission to perform this action.');
const denied = (what: string, database: string): SqlError => new SqlError(262, `${what} permission denied in database '${database}'.`, { class: 14 });
const cannot = (verb: string, kind: string, name: string): SqlError =>
  new SqlError(15151, `Cannot ${verb} the ${kind} '${name}', because it does not exist or you do not have permission.`);

function database(env: ExecEnv, name?: string): DatabaseState | undefined {
  return findDatabase(env.instance, name === undefined || name.toUpperCase() === 'CURRENT' ? env.session.database : name);
}

function serverPermission(env: ExecEnv, permission: string): boolean {
  return hasServerPermission(env.instance, sessionLogin(env), permission);
}

function databasePermission(env: ExecEnv, db: DatabaseState | undefined, permission: string, object: string | null = null): boolean {
  return db !== undefined && hasDatabasePermission(env.instance, sessionLogin(env), db, permission, object);
}

function control(env: ExecEnv, db: DatabaseState | undefined): boolean {
  return db !== undefined && (isDatabaseRoleMember(env.instance, sessionLogin(env), db, 'db_owner') || serverPermission(env, 'CONTROL SERVER'));
}

/** The database a one- to three-part table name lives in. */
function tableDatabase(env: ExecEnv, table: string[]): DatabaseState | undefined {
  return database(env, table.length >= 3 ? table[table.length - 3] || env.session.database : env.session.database);
}

/** Throws the documented refusal when the session's login may not run `statement`. */
export function authorize(env: ExecEnv, statement: Statement): void {
  if (isSysadminLogin(env.instance, sessionLogin(env))) return;
  const current = database(env);
  switch (statement.kind) {
    case 'createEndpoint':
      if (!serverPermission(env, 'CREATE ENDPOINT')) throw denied('CREATE ENDPOINT', 'master');
      return;
    case 'alterEndpoint':
    case 'dropEndpoint':
      if (!hasEndpointPermission(env.instance, sessionLogin(env), 'ALTER'))
        throw cannot(statement.kind === 'alterEndpoint' ? 'alter' : 'drop', 'endpoint', statement.name);
      return;
    case 'permission':
      return authorizePermission(env, statement, current);
    case 'createLogin':
      if (!serverPermission(env, 'ALTER ANY LOGIN')) throw noPermission();
      return;
    case 'alterLogin':
    case 'dropLogin':
      if (!serverPermission(env, 'ALTER ANY LOGIN')) throw cannot(statement.kind === 'alterLogin' ? 'alter' : 'drop', 'login', statement.name);
      return;
    case 'alterServerRole':
      requireServerRoleMembership(env, statement.role);
      return;
    case 'createMasterKey':
    case 'dropMasterKey':
    case 'createDatabaseEncryptionKey':
    case 'dropDatabaseEncryptionKey':
      if (!control(env, current)) throw noPermission();
      return;
    case 'createCertificate':
      if (!databasePermission(env, current, 'CREATE CERTIFICATE')) throw denied('CREATE CERTIFICATE', env.session.database);
      return;
    case 'backupCertificate':
    case 'dropCertificate':
      if (!control(env, current)) throw cannot('find', 'certificate', statement.name);
      return;
    case 'createUser':
      if (!databasePermission(env, current, 'ALTER ANY USER')) throw noPermission();
      return;
    case 'dropUser':
      if (!databasePermission(env, current, 'ALTER ANY USER')) throw cannot('drop', 'user', statement.name);
      return;
    case 'alterRole':
      if (!databasePermission(env, current, 'ALTER ANY ROLE')) throw cannot('alter', 'role', statement.role);
      return;
    case 'createDatabase':
      if (!serverPermission(env, 'CREATE ANY DATABASE')) throw denied('CREATE DATABASE', 'master');
      return;
    case 'reconfigure':
      // RECONFIGURE: ALTER SETTINGS (sysadmin and serveradmin have it).
      if (!serverPermission(env, 'ALTER SETTINGS')) throw noPermission();
      return;
    case 'dropDatabase':
      for (const name of statement.names) {
        const db = database(env, name);
        if (db && !control(env, db) && !serverPermission(env, 'ALTER ANY DATABASE')) {
          throw new SqlError(3701, `Cannot drop the database '${name}', because it does not exist or you do not have permission.`, { class: 14 });
        }
      }
      return;
    case 'alterDatabase':
      if (!databasePermission(env, database(env, statement.name), 'ALTER')) {
        throw new SqlError(
          5011,
          `User does not have permission to alter database '${statement.name}', the database does not exist, or the database is not in a state that allows access checks.`,
          {
            class: 14,
            followUps: [new SqlError(5069, 'ALTER DATABASE statement failed.')],
          },
        );
      }
      return;
    case 'backup': {
      const command = statement.target === 'LOG' ? 'BACKUP LOG' : 'BACKUP DATABASE';
      if (!databasePermission(env, database(env, statement.database), command)) {
        throw new SqlError(262, `${command} permission denied in database '${statement.database}'.`, {
          class: 14,
          followUps: [new SqlError(3013, `${command} is terminating abnormally.`)],
        });
      }
      return;
    }
    case 'restore': {
      // "RESTORE Statements" (Permissions): over an existing database sysadmin or dbcreator (or its
      // owner, sa here); a new database needs CREATE DATABASE.
      const exists = database(env, statement.database) !== undefined;
      const allowed = exists
        ? isRoleMember(env.instance, env.session.login, 'dbcreator') || serverPermission(env, 'CONTROL SERVER')
        : serverPermission(env, 'CREATE ANY DATABASE');
      if (!allowed) {
        const command = statement.target === 'LOG' ? 'RESTORE LOG' : 'RESTORE DATABASE';
        throw new SqlError(3110, `User does not have permission to RESTORE database '${statement.database}'.`, {
          class: 14,
          followUps: [new SqlError(3013, `${command} is terminating abnormally.`)],
        });
      }
      return;
    }
    case 'createTable':
    case 'alterTableAdd': {
      const db = tableDatabase(env, statement.table);
      if (!databasePermission(env, db, 'CREATE TABLE')) throw denied('CREATE TABLE', db?.name ?? env.session.database);
      return;
    }
    case 'dropTable': {
      // "DROP TABLE": ALTER on its schema (ALTER ANY SCHEMA covers dbo), CONTROL on the table, or db_ddladmin.
      const db = tableDatabase(env, statement.table);
      const name = statement.table.at(-1) ?? '';
      const allowed =
        databasePermission(env, db, 'ALTER ANY SCHEMA') ||
        databasePermission(env, db, 'CONTROL', `dbo.${name.toLowerCase()}`) ||
        (db !== undefined && isDatabaseRoleMember(env.instance, sessionLogin(env), db, 'db_ddladmin'));
      if (!allowed) throw new SqlError(3701, `Cannot drop the table '${name}', because it does not exist or you do not have permission.`, { class: 14 });
      return;
    }
    case 'insert':
      requireObjectPermission(env, tableDatabase(env, statement.table), statement.table.at(-1) ?? '', 'INSERT');
      return;
    default:
      return;
  }
}

function authorizePermission(env: ExecEnv, statement: Extract<Statement, { kind: 'permission' }>, current: DatabaseState | undefined): void {
  const on = statement.on;
  if (on?.class === 'ENDPOINT') {
    if (!hasEndpointPermission(env.instance, sessionLogin(env), 'CONTROL') && !serverPermission(env, 'ALTER ANY ENDPOINT'))
      throw cannot('find', 'endpoint', on.name.at(-1) ?? '');
    return;
  }
  if (on) {
    // An object's permissions: its database's owner (db_owner) or db_securityadmin.
    if (!control(env, current) && !isDatabaseRoleMember(env.instance, sessionLogin(env), current!, 'db_securityadmin'))
      throw cannot('find', 'object', on.name.join('.'));
    return;
  }
  if (env.session.database.toLowerCase() === 'master' && isServerPermissionName(statement.permissions)) {
    if (!serverPermission(env, 'CONTROL SERVER')) throw new SqlError(4613, 'Grantor does not have GRANT permission.');
    return;
  }
  if (!control(env, current)) throw new SqlError(4613, 'Grantor does not have GRANT permission.');
}

/** Server permissions are the ones that name the server ("ANY", "SERVER", "ENDPOINT", "CONNECT SQL", "SHUTDOWN"). */
function isServerPermissionName(permissions: string[]): boolean {
  return permissions.some((p) => /\b(ANY|SERVER|ENDPOINT|SHUTDOWN|RESOURCES|SETTINGS|BULK)\b|^CONNECT SQL$/.test(p));
}

/** "ALTER SERVER ROLE" / sp_addsrvrolemember: a fixed role's members may add others to it. */
export function requireServerRoleMembership(env: ExecEnv, role: string): void {
  if (isSysadmin(env) || (role.toLowerCase() !== 'sysadmin' && isRoleMember(env.instance, env.session.login, role.toLowerCase()))) return;
  throw cannot('alter', 'server role', role);
}

/** SELECT / INSERT on dbo.<table>: 229 names the object, its database and schema. */
export function requireObjectPermission(
  env: Pick<ExecEnv, 'instance' | 'session'>,
  db: DatabaseState | undefined,
  table: string,
  permission: 'SELECT' | 'INSERT',
): void {
  const login = sessionLogin(env);
  if (!db || isSysadminLogin(env.instance, login) || hasDatabasePermission(env.instance, login, db, permission, `dbo.${table.toLowerCase()}`)) return;
  throw new SqlError(229, `The ${permission} permission was denied on the object '${table}', database '${db.name}', schema 'dbo'.`, { class: 14 });
}
