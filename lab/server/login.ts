// LOGIN7 → a session: SQL authentication against the instance's logins. As SQL Server does, the
// client only ever hears "Login failed for user '…'." with state 1 — the reason and the real state
// go to the error log ("MSSQLSERVER_18456" on learn.microsoft.com). A database the login cannot
// open is 4060 (explicitly requested) or 4064 (its default database) ahead of the 18456.

import type { InstanceState, LabState } from '../model.js';
import type { LoginRequest, LoginResult, SqlMessage } from '../tds/handler.js';
import { verifyPassword } from '../instance/password.js';
import { canUseDatabase } from '../instance/database-access.js';
import { findLogin } from '../instance/principals.js';
import { openError, singleUserError } from '../instance/use-database.js';
import { findDatabase } from '../instance/scope.js';
import { versionFacts } from '../instance/version.js';
import { writeErrorLog } from '../mirroring/errorlog.js';

/** The lab's clients all connect over loopback. */
const CLIENT = '127.0.0.1';

interface Refusal {
  state: number;
  reason: string;
  before?: SqlMessage;
}

/** The two error log lines of a refused login. */
export function logFailedLogin(instance: InstanceState, now: Date, user: string, state: number, reason: string, client = CLIENT): void {
  writeErrorLog(instance, now, `Error: 18456, Severity: 14, State: ${state}.`);
  writeErrorLog(instance, now, `Login failed for user '${user}'. Reason: ${reason} [CLIENT: ${client}]`);
}

function refuse(instance: InstanceState | undefined, user: string, refusal: Refusal, now: Date): LoginResult {
  const text = `Login failed for user '${user}'.`;
  if (instance) logFailedLogin(instance, now, user, refusal.state, refusal.reason);
  const error: SqlMessage = { number: 18456, state: 1, class: 14, message: text, line: 1 };
  return refusal.before ? { ok: false, error, before: [refusal.before] } : { ok: false, error };
}

function databaseRefusal(requested: string): Refusal {
  if (requested === '') {
    return {
      state: 40,
      reason: 'Failed to open the database configured in the login object while revalidating the login on the connection.',
      before: { number: 4064, state: 1, class: 11, line: 1, message: 'Cannot open user default database. Login failed.' },
    };
  }
  return {
    state: 38,
    reason: `Failed to open the explicitly specified database '${requested}'.`,
    before: { number: 4060, state: 1, class: 11, line: 1, message: `Cannot open database "${requested}" requested by the login. The login failed.` },
  };
}

export function authenticate(lab: LabState, instance: InstanceState, request: LoginRequest, down: boolean, now: Date): LoginResult {
  // A stopped service writes no error log; the client's connection is simply refused.
  if (down || instance.service.status !== 'Running')
    return refuse(undefined, request.user, { state: 1, reason: 'Server is in single user mode or is shutting down.' }, now);
  const login = findLogin(instance.logins, request.user);
  if (!login || login.type !== 'S' || login.passwordHash === null)
    return refuse(instance, request.user, { state: 5, reason: 'Could not find a login matching the name provided.' }, now);
  if (!verifyPassword(request.password, login.passwordHash))
    return refuse(instance, request.user, { state: 8, reason: 'Password did not match that for the login provided.' }, now);
  if (login.isDisabled) return refuse(instance, request.user, { state: 7, reason: 'The account is disabled.' }, now);
  const requested = request.database.trim();
  const databaseName = requested === '' ? login.defaultDatabase : requested;
  if (openError(instance, databaseName)) return refuse(instance, request.user, databaseRefusal(requested), now);
  const database = findDatabase(instance, databaseName);
  if (database && singleUserError(instance, database, 0)) return refuse(instance, request.user, databaseRefusal(requested), now);
  // An orphaned user (its SID matches no login here) does not let the login in either.
  if (database && !canUseDatabase(instance, login, database)) return refuse(instance, request.user, databaseRefusal(requested), now);
  const facts = versionFacts(instance.version);
  const spid = lab.nextIds.spid++;
  return {
    ok: true,
    spid,
    database: database?.name ?? 'master',
    serverName: instance.name,
    version: { major: facts.major, minor: facts.minor, build: facts.build },
  };
}
