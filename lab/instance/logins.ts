// CREATE / ALTER / DROP LOGIN: SQL logins (password policy) and Windows logins (DOMAIN\name).

import { findLanguage } from './sql-date.js';
import { SqlError } from '../errors.js';
import type { Login } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { checkPasswordPolicy, hashPassword, storedPasswordHash } from './password.js';
import { findByName, findLogin, newLogin } from './principals.js';
import { findDatabase, notFound } from './scope.js';

export interface CreateLoginRequest {
  name: string;
  /** WITH PASSWORD; absent for FROM WINDOWS. */
  password?: string;
  /** PASSWORD = 0x… HASHED: the bytes LOGINPROPERTY(…, 'PasswordHash') returned on another server. */
  passwordHash?: Buffer;
  /** SID = 0x…: SQL logins only, binary(16), unused on this server. */
  sid?: Buffer;
  fromWindows?: boolean;
  defaultDatabase?: string;
  defaultLanguage?: string;
  checkPolicy?: boolean;
}

/** DEFAULT_LANGUAGE must name a language of the server (15033), kept by its official name. */
function officialLanguage(name: string): string {
  const language = findLanguage(name);
  if (!language) throw new SqlError(15033, `'${name}' is not a valid official language name.`);
  return language.name;
}

export function createLogin(env: ExecEnv, request: CreateLoginRequest): Login {
  if (findLogin(env.instance.logins, request.name)) throw new SqlError(15025, `The server principal '${request.name}' already exists.`);
  if (request.fromWindows) {
    if (!/^[^\\]+\\[^\\]+$/.test(request.name)) {
      throw new SqlError(15401, `Windows NT user or group '${request.name}' not found. Check the name again.`, { state: 2 });
    }
  } else {
    if (request.name.includes('\\')) {
      throw new SqlError(15407, `'${request.name}' is not a valid Windows NT name. Give the complete name: <domain\\username>.`);
    }
    if (request.password === undefined && request.passwordHash === undefined)
      throw new SqlError(102, `Incorrect syntax near '${request.name}'.`, { class: 15 });
    // A hash carries no password to check against the policy.
    if (request.password !== undefined && request.checkPolicy !== false) checkPasswordPolicy(request.password);
  }
  const storedHash = request.passwordHash === undefined ? undefined : storedPasswordHash(request.passwordHash);
  if (request.sid !== undefined) checkNewSid(env, request.sid);
  if (request.defaultDatabase !== undefined && !findDatabase(env.instance, request.defaultDatabase)) {
    throw new SqlError(
      15010,
      `The database '${request.defaultDatabase}' does not exist. Supply a valid database name. To see available databases, use sys.databases.`,
    );
  }
  const login = newLogin(env.lab, {
    name: request.name,
    type: request.fromWindows ? 'U' : 'S',
    ...(request.password !== undefined && !request.fromWindows ? { password: request.password } : {}),
    ...(request.sid !== undefined ? { sidHex: request.sid.toString('hex') } : {}),
    ...(request.defaultDatabase !== undefined ? { defaultDatabase: request.defaultDatabase } : {}),
    now: env.now(),
  });
  if (storedHash !== undefined) login.passwordHash = storedHash;
  if (request.defaultLanguage !== undefined) login.defaultLanguage = officialLanguage(request.defaultLanguage);
  env.instance.logins[login.name] = login;
  env.changed();
  return login;
}

/** CREATE LOGIN … SID = sid: "SQL Server login SID: a 16 byte (binary(16)) literal value based on a
 * GUID" (learn.microsoft.com, CREATE LOGIN), and no other login may hold it. */
function checkNewSid(env: ExecEnv, sid: Buffer): void {
  if (sid.length !== 16) throw new SqlError(15419, 'Supplied parameter sid should be binary(16).');
  const hex = sid.toString('hex');
  if (Object.values(env.instance.logins).some((login) => login.sidHex.toLowerCase() === hex)) throw new SqlError(15433, 'Supplied parameter sid is in use.');
}

export interface AlterLoginRequest {
  name: string;
  enable?: boolean;
  password?: string;
  passwordHash?: Buffer;
  checkPolicy?: boolean;
  defaultDatabase?: string;
  defaultLanguage?: string;
}

export function alterLogin(env: ExecEnv, request: AlterLoginRequest): void {
  const login = findLogin(env.instance.logins, request.name);
  if (!login) throw notFound('alter', 'login', request.name);
  if (request.password !== undefined) {
    if (login.type !== 'S') throw new SqlError(15080, `Cannot use parameter PASSWORD for a Windows login.`);
    if (request.checkPolicy !== false) checkPasswordPolicy(request.password);
    login.passwordHash = hashPassword(request.password);
  }
  if (request.passwordHash !== undefined) {
    if (login.type !== 'S') throw new SqlError(15080, `Cannot use parameter PASSWORD for a Windows login.`);
    login.passwordHash = storedPasswordHash(request.passwordHash);
  }
  if (request.defaultDatabase !== undefined) login.defaultDatabase = request.defaultDatabase;
  if (request.defaultLanguage !== undefined) login.defaultLanguage = officialLanguage(request.defaultLanguage);
  if (request.enable !== undefined) login.isDisabled = !request.enable;
  env.changed();
}

export function dropLogin(env: ExecEnv, name: string): void {
  const found = findByName(env.instance.logins, name);
  if (!found) throw notFound('drop', 'login', name);
  const [key, login] = found;
  if (env.session.login.toLowerCase() === login.name.toLowerCase()) {
    throw new SqlError(15434, `Could not drop login '${login.name}' as the user is currently logged in.`);
  }
  if (env.instance.endpoint?.ownerPrincipalId === login.principalId) {
    throw new SqlError(15141, 'The server principal owns one or more endpoint(s) and cannot be dropped.');
  }
  if (env.instance.serverPermissions.some((permission) => permission.grantorPrincipalId === login.principalId)) {
    throw new SqlError(
      15173,
      `Server principal '${login.name}' has granted one or more permission(s). Revoke the permission(s) before dropping the server principal.`,
    );
  }
  const mapped = Object.values(env.instance.databases).some((database) => Object.values(database.users).some((user) => user.loginSidHex === login.sidHex));
  if (mapped) {
    throw new SqlError(
      15175,
      `Login '${login.name}' is aliased or mapped to a user in one or more database(s). Drop the user or alias before dropping the login.`,
    );
  }
  env.instance.serverPermissions = env.instance.serverPermissions.filter((permission) => permission.granteePrincipalId !== login.principalId);
  for (const members of Object.values(env.instance.serverRoleMembers)) {
    const at = members.findIndex((member) => member.toLowerCase() === login.name.toLowerCase());
    if (at >= 0) members.splice(at, 1);
  }
  delete env.instance.logins[key];
  env.changed();
}
