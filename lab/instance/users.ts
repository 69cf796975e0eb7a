// CREATE / DROP USER in the session's database.

import { SqlError } from '../errors.js';
import type { DatabaseUser } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { findByName, findLogin, nextUserId } from './principals.js';
import { currentDatabase, notFound } from './scope.js';

export interface CreateUserRequest {
  name: string;
  /** FOR/FROM LOGIN; defaults to a login of the same name. */
  login?: string;
  withoutLogin?: boolean;
}

export function createUser(env: ExecEnv, request: CreateUserRequest): DatabaseUser {
  const database = currentDatabase(env);
  if (findByName(database.users, request.name)) {
    throw new SqlError(15023, `User, group, or role '${request.name}' already exists in the current database.`);
  }
  let loginSidHex: string | null = null;
  let type: DatabaseUser['type'] = 'S';
  if (!request.withoutLogin) {
    const loginName = request.login ?? request.name;
    const login = findLogin(env.instance.logins, loginName);
    if (!login) throw new SqlError(15007, `'${loginName}' is not a valid login or you do not have permission.`);
    if (Object.values(database.users).some((user) => user.loginSidHex === login.sidHex)) {
      throw new SqlError(15063, 'The login already has an account under a different user name.');
    }
    loginSidHex = login.sidHex;
    type = login.type === 'S' ? 'S' : 'U';
  }
  const user: DatabaseUser = { name: request.name, principalId: nextUserId(database), type, loginSidHex, createDate: env.now().toISOString() };
  database.users[user.name] = user;
  env.changed();
  return user;
}

export function dropUser(env: ExecEnv, name: string): void {
  const database = currentDatabase(env);
  const found = findByName(database.users, name);
  if (!found || found[1].principalId <= 4) throw notFound('drop', 'user', name);
  const [key, user] = found;
  if (Object.values(database.certificates).some((certificate) => certificate.principalId === user.principalId)) {
    throw new SqlError(15138, 'The database principal owns a certificate in the database, and cannot be dropped.');
  }
  delete database.users[key];
  env.changed();
}
