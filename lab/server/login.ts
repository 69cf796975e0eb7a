// LOGIN7 → a session: SQL authentication against the instance's logins. Every refusal is 18456
// with the state SQL Server logs (the client sees the same text whatever the reason).

import type { InstanceState, LabState } from '../model.js';
import type { LoginRequest, LoginResult, SqlMessage } from '../tds/handler.js';
import { verifyPassword } from '../instance/password.js';
import { canUseDatabase } from '../instance/database-access.js';
import { findLogin } from '../instance/principals.js';
import { openError } from '../instance/use-database.js';
import { findDatabase } from '../instance/scope.js';
import { versionFacts } from '../instance/version.js';

function loginFailed(user: string, state: number, reason?: string): LoginResult {
  const message: SqlMessage = {
    number: 18456,
    state,
    class: 14,
    message: reason ? `Login failed for user '${user}'. Reason: ${reason}` : `Login failed for user '${user}'.`,
    line: 1,
  };
  return { ok: false, error: message };
}

export function authenticate(lab: LabState, instance: InstanceState, request: LoginRequest, down: boolean): LoginResult {
  if (down || instance.service.status !== 'Running') return loginFailed(request.user, 1, 'Server is in single user mode or is shutting down.');
  const login = findLogin(instance.logins, request.user);
  if (!login || login.type !== 'S' || login.passwordHash === null) return loginFailed(request.user, 5, 'Could not find a login matching the name provided.');
  if (!verifyPassword(request.password, login.passwordHash)) return loginFailed(request.user, 8, 'Password did not match that for the login provided.');
  if (login.isDisabled) return loginFailed(request.user, 7, 'The account is disabled.');
  const requested = request.database.trim();
  const databaseName = requested === '' ? login.defaultDatabase : requested;
  if (openError(instance, databaseName)) {
    return loginFailed(request.user, requested === '' ? 40 : 38, requested === '' ? 'Failed to open the database configured in the login object while revalidating the login on the connection.' : `Failed to open the explicitly specified database '${requested}'.`);
  }
  const database = findDatabase(instance, databaseName);
  if (database && !canUseDatabase(instance, login, database)) {
    return loginFailed(request.user, requested === '' ? 40 : 38, requested === '' ? 'Failed to open the database configured in the login object while revalidating the login on the connection.' : `Failed to open the explicitly specified database '${requested}'.`);
  }
  const facts = versionFacts(instance.version);
  const spid = lab.nextIds.spid++;
  return { ok: true, spid, database: database?.name ?? 'master', serverName: instance.name, version: { major: facts.major, minor: facts.minor, build: facts.build } };
}
