// USE <database>: 911 when it does not exist, 954 for a mirror copy, 955 for a principal without
// quorum, 927 for one being restored.

import { SqlError } from '../errors.js';
import type { DatabaseState, InstanceState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { cannotAccess, canUseDatabase } from './database-access.js';
import { findLogin } from './principals.js';
import { findDatabase } from './scope.js';
import { sessionsUsing } from '../storage/databases.js';

/** Why a database cannot be opened by a session, or null when it can. */
export function openError(instance: InstanceState, name: string): SqlError | null {
  const database = findDatabase(instance, name);
  if (!database) return new SqlError(911, `Database '${name}' does not exist. Make sure that the name is entered correctly.`);
  return stateError(database);
}

export function stateError(database: DatabaseState): SqlError | null {
  if (database.mirroring?.role === 'MIRROR') {
    return new SqlError(954, `The database "${database.name}" cannot be opened. It is acting as a mirror database.`, { class: 14 });
  }
  if (database.mirroring?.quorumLost) {
    return new SqlError(
      955,
      `Database ${database.name} is enabled for Database Mirroring, but the database lacks quorum: the database cannot be opened.  Check the partner and witness connections if configured.`,
      { class: 14 },
    );
  }
  if (database.state === 'RESTORING')
    return new SqlError(927, `Database '${database.name}' cannot be opened. It is in the middle of a restore.`, { class: 14 });
  if (database.state === 'OFFLINE') return new SqlError(942, `Database '${database.name}' cannot be opened because it is offline.`, { class: 14 });
  if (database.state === 'RECOVERING')
    return new SqlError(922, `Database '${database.name}' is being recovered. Waiting until recovery is finished.`, { class: 14 });
  return null;
}

/** SINGLE_USER: one connection at a time, whoever it is ("Set a database to single-user mode");
 * the next one gets 924. */
export function singleUserError(instance: InstanceState, database: DatabaseState, spid: number): SqlError | null {
  if (database.userAccess !== 'SINGLE_USER' || sessionsUsing(instance, database.name, spid).length === 0) return null;
  return new SqlError(924, `Database '${database.name}' is already open and can only have one user at a time.`, { class: 14 });
}

export function useDatabase(env: ExecEnv, name: string): void {
  const error = openError(env.instance, name);
  if (error) throw error;
  const database = findDatabase(env.instance, name) as DatabaseState;
  const taken = singleUserError(env.instance, database, env.session.spid);
  if (taken) throw taken;
  if (!canUseDatabase(env.instance, findLogin(env.instance.logins, env.session.login), database)) throw cannotAccess(env.session.login, database.name);
  const from = env.session.database;
  env.session.database = database.name;
  env.emit({ kind: 'database', from, to: database.name });
  env.info(5701, `Changed database context to '${database.name}'.`);
}
