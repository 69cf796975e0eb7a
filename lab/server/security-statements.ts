// The security statements as the parser delivers them → lab/instance's operations.

import { SqlError } from '../errors.js';
import type {
  AlterEndpointStatement,
  AlterLoginStatement,
  AlterRoleStatement,
  AlterServerRoleStatement,
  BackupCertificateStatement,
  CreateCertificateStatement,
  CreateEndpointStatement,
  CreateLoginStatement,
  CreateUserStatement,
  MirroringEndpointOptions,
  PermissionStatement,
} from '../sql/ast.js';
import { backupCertificate, createCertificate, type CreateCertificateRequest } from '../instance/certificates.js';
import { alterEndpoint, createEndpoint, type EndpointOptions } from '../instance/endpoint.js';
import { alterLogin, createLogin } from '../instance/logins.js';
import { changePermission } from '../instance/permissions.js';
import { PERMISSION_CODES } from '../instance/permission-codes.js';
import { alterDatabaseRole, changeDatabasePermission } from '../instance/database-permissions.js';
import { addServerRoleMember, dropServerRoleMember } from '../instance/server-roles.js';
import { createUser } from '../instance/users.js';
import { atLeast } from '../instance/version.js';
import type { ExecEnv } from './env.js';

export function executeCreateCertificate(env: ExecEnv, stmt: CreateCertificateStatement): void {
  const source = stmt.source;
  const request: CreateCertificateRequest = { name: stmt.name, source: { kind: 'new', subject: '' } };
  if (stmt.authorization !== undefined) request.authorization = stmt.authorization;
  if (source.kind === 'new') {
    request.source = { kind: 'new', subject: source.subject };
    if (source.startDate !== undefined) request.source.startDate = source.startDate;
    if (source.expiryDate !== undefined) request.source.expiryDate = source.expiryDate;
    if (source.encryptionPassword !== undefined) request.encryptionPassword = source.encryptionPassword;
  } else {
    if (source.kind === 'binary' && !atLeast(env.instance.version, '2012')) {
      throw new SqlError(102, "Incorrect syntax near 'BINARY'.", { class: 15 });
    }
    request.source = source.kind === 'file' ? { kind: 'file', path: source.path } : { kind: 'binary', bytes: source.data };
    const key = source.privateKey;
    if (key) {
      request.privateKey = {};
      if (key.file !== undefined) request.privateKey.file = key.file;
      if (key.binary !== undefined) request.privateKey.binary = key.binary;
      if (key.decryptionPassword !== undefined) request.privateKey.decryptionPassword = key.decryptionPassword;
      if (key.encryptionPassword !== undefined) request.encryptionPassword = key.encryptionPassword;
    }
  }
  createCertificate(env, request);
}

export function executeBackupCertificate(env: ExecEnv, stmt: BackupCertificateStatement): void {
  backupCertificate(env, stmt.privateKey ? { name: stmt.name, file: stmt.file, privateKey: stmt.privateKey } : { name: stmt.name, file: stmt.file });
}

function endpointOptions(
  mirroring: MirroringEndpointOptions | undefined,
  tcp: { port?: number; ip?: string } | undefined,
  state: EndpointOptions['state'],
): EndpointOptions {
  const options: EndpointOptions = {};
  if (state !== undefined) options.state = state;
  if (tcp?.port !== undefined) options.port = tcp.port;
  if (tcp?.ip !== undefined) options.listenerIp = tcp.ip;
  if (mirroring?.authentication !== undefined) options.auth = mirroring.authentication;
  if (mirroring?.encryption !== undefined) {
    options.encryption = mirroring.encryption.algorithms
      ? { mode: mirroring.encryption.mode, algorithms: mirroring.encryption.algorithms }
      : { mode: mirroring.encryption.mode };
  }
  if (mirroring?.role !== undefined) options.role = mirroring.role;
  return options;
}

export function executeCreateEndpoint(env: ExecEnv, stmt: CreateEndpointStatement): void {
  const options = endpointOptions(stmt.mirroring, stmt.tcp, stmt.state);
  createEndpoint(env, { name: stmt.name, ...options, ...(stmt.authorization !== undefined ? { authorization: stmt.authorization } : {}) });
}

export function executeAlterEndpoint(env: ExecEnv, stmt: AlterEndpointStatement): void {
  alterEndpoint(env, stmt.name, endpointOptions(stmt.mirroring, stmt.tcp, stmt.state));
}

export function executeCreateLogin(env: ExecEnv, stmt: CreateLoginStatement): void {
  const source = stmt.source;
  if (source.kind === 'certificate')
    throw new SqlError(102, `Incorrect syntax near 'CERTIFICATE'. (Certificate-mapped logins are not simulated by the lab.)`, { class: 15 });
  const options = source.options;
  createLogin(env, {
    name: stmt.name,
    ...(source.kind === 'password'
      ? typeof source.password === 'string'
        ? { password: source.password }
        : { passwordHash: source.password.hashed }
      : { fromWindows: true }),
    ...(options.defaultDatabase !== undefined ? { defaultDatabase: options.defaultDatabase } : {}),
    ...(options.defaultLanguage !== undefined ? { defaultLanguage: options.defaultLanguage } : {}),
    ...(options.sid !== undefined ? { sid: options.sid } : {}),
    ...(options.checkPolicy !== undefined ? { checkPolicy: options.checkPolicy } : {}),
  });
}

export function executeAlterLogin(env: ExecEnv, stmt: AlterLoginStatement): void {
  const action = stmt.action;
  if (action.kind === 'enable' || action.kind === 'disable') {
    alterLogin(env, { name: stmt.name, enable: action.kind === 'enable' });
    return;
  }
  alterLogin(env, {
    name: stmt.name,
    ...(action.password !== undefined ? (typeof action.password === 'string' ? { password: action.password } : { passwordHash: action.password.hashed }) : {}),
    ...(action.options.checkPolicy !== undefined ? { checkPolicy: action.options.checkPolicy } : {}),
    ...(action.options.defaultDatabase !== undefined ? { defaultDatabase: action.options.defaultDatabase } : {}),
    ...(action.options.defaultLanguage !== undefined ? { defaultLanguage: action.options.defaultLanguage } : {}),
  });
}

export function executeCreateUser(env: ExecEnv, stmt: CreateUserStatement): void {
  const source = stmt.source;
  createUser(env, {
    name: stmt.name,
    ...(source.kind === 'login' ? { login: source.login } : {}),
    ...(source.kind === 'withoutLogin' ? { withoutLogin: true } : {}),
  });
}

/** ON ENDPOINT:: and server permissions (in master) go to the server; ON OBJECT:: / dbo.table and
 * database permissions to the current database's users. */
export function executePermission(env: ExecEnv, stmt: PermissionStatement): void {
  const on = stmt.on;
  if (on && on.class !== 'ENDPOINT' && on.class !== 'OBJECT') {
    throw new SqlError(102, `Incorrect syntax near '${on.class}'. (The lab simulates server, endpoint, database and table permissions.)`, { class: 15 });
  }
  for (const permission of stmt.permissions) {
    if (on?.class === 'OBJECT' || (!on && !isServerPermission(permission))) {
      changeDatabasePermission(env, stmt.action, permission, on ? on.name : null, stmt.principals);
      continue;
    }
    const endpoint = on ? (on.name[on.name.length - 1] ?? '') : null;
    changePermission(env, { action: stmt.action, permission, endpoint, principals: stmt.principals, withGrantOption: stmt.withGrantOption });
  }
}

/** A server permission (managed from master only, 4621); ALTER, CONTROL, CONNECT … alone are database permissions. */
function isServerPermission(permission: string): boolean {
  return PERMISSION_CODES[permission] !== undefined && !['ALTER', 'CONTROL', 'CONNECT', 'VIEW DEFINITION', 'TAKE OWNERSHIP'].includes(permission);
}

export function executeAlterRole(env: ExecEnv, stmt: AlterRoleStatement): void {
  alterDatabaseRole(env, stmt.role, stmt.action, stmt.member);
}

export function executeAlterServerRole(env: ExecEnv, stmt: AlterServerRoleStatement): void {
  if (!atLeast(env.instance.version, '2012')) throw new SqlError(102, "Incorrect syntax near 'ROLE'.", { class: 15 });
  if (stmt.action === 'ADD') addServerRoleMember(env, stmt.role, stmt.member);
  else dropServerRoleMember(env, stmt.role, stmt.member);
}
