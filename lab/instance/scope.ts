// Which database a statement works in, and the lookups every security statement needs.

import { SqlError } from '../errors.js';
import type { DatabaseState, InstanceState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { findByName } from './principals.js';

export function findDatabase(instance: InstanceState, name: string): DatabaseState | undefined {
  return findByName(instance.databases, name)?.[1];
}

/** The session's current database (it always exists: USE refuses missing ones). */
export function currentDatabase(env: ExecEnv): DatabaseState {
  const database = findDatabase(env.instance, env.session.database);
  if (!database) throw new SqlError(911, `Database '${env.session.database}' does not exist. Make sure that the name is entered correctly.`);
  return database;
}

export function masterDatabase(instance: InstanceState): DatabaseState {
  const master = instance.databases['master'];
  if (!master) throw new Error(`instance ${instance.name} has no master database`);
  return master;
}

/** Msg 15151 in the wording SQL Server uses for every "missing or no permission" object. */
export function notFound(verb: 'find' | 'drop' | 'alter' | 'add', kind: string, name: string): SqlError {
  return new SqlError(15151, `Cannot ${verb} the ${kind} '${name}', because it does not exist or you do not have permission.`);
}

export function sessionLogin(env: Pick<ExecEnv, 'instance' | 'session'>) {
  return findByName(env.instance.logins, env.session.login)?.[1];
}
