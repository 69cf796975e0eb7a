// ALTER DATABASE: storage options here, mirroring options to lab/mirroring.

import type { AlterDatabaseStatement } from '../sql/ast.js';
import type { ExecEnv } from '../server/env.js';
import { SqlError } from '../errors.js';
import { executeMirroringOption } from '../mirroring/statements.js';
import { findDatabase, setOnline, setRecoveryModel } from './databases.js';
import { setEncryption } from './database-encryption.js';
import { cannotAlterDatabase, inMirroringSession } from './messages.js';
import { liveSessionsUsing } from '../server/sessions.js';
import { announceClientsDisconnected } from '../mirroring/hooks.js';

export async function executeAlterDatabase(env: ExecEnv, stmt: AlterDatabaseStatement): Promise<void> {
  const name = stmt.name.toUpperCase() === 'CURRENT' ? env.session.database : stmt.name;
  const action = stmt.action;
  switch (action.kind) {
    case 'recovery':
      return setRecoveryModel(env, name, action.model);
    case 'state':
      if (action.state === 'EMERGENCY') return setEmergency(env, name);
      return setOnline(env, name, action.state === 'ONLINE');
    case 'userAccess':
      return setUserAccess(env, name, action.access, stmt.termination?.kind === 'rollbackImmediate' || stmt.termination?.kind === 'rollbackAfter');
    case 'encryption':
      return setEncryption(env, name, action.on);
    default:
      return executeMirroringOption(env, { ...stmt, name });
  }
}

function setEmergency(env: ExecEnv, name: string): void {
  const database = findDatabase(env.instance, name);
  if (!database) throw cannotAlterDatabase(name);
  if (database.mirroring) throw inMirroringSession(database.name);
  database.state = 'EMERGENCY';
  env.changed();
}

/** SINGLE_USER / RESTRICTED_USER: the mode is kept (sys.databases.user_access_desc,
 * DATABASEPROPERTYEX UserAccess) and SINGLE_USER admits one connection at a time (924 for the
 * next, lab/instance/use-database.ts). Other users are closed out only WITH ROLLBACK — "their
 * connections to the database will be closed without warning" ("Set a database to single-user
 * mode"); without it the lab answers 5061 where SQL Server would wait for them. A mirrored database
 * refuses both (1468). */
function setUserAccess(env: ExecEnv, name: string, access: 'SINGLE_USER' | 'RESTRICTED_USER' | 'MULTI_USER', rollback: boolean): void {
  const database = findDatabase(env.instance, name);
  if (!database) throw cannotAlterDatabase(name);
  if (access === 'MULTI_USER') {
    delete database.userAccess;
    env.changed();
    return;
  }
  if (database.mirroring) throw inMirroringSession(database.name);
  const upper = database.name.toUpperCase();
  const spid = env.session.spid;
  const others = env.instance.programs.filter((p) => p.database.toUpperCase() === upper && p.spid !== spid);
  const live = liveSessionsUsing(env.instance.name, database.name, spid);
  if ((others.length > 0 || live.length > 0) && !rollback) {
    throw new SqlError(5061, `ALTER DATABASE failed because a lock could not be placed on database '${database.name}'. Try again later.`, {
      followUps: [new SqlError(5069, 'ALTER DATABASE statement failed.')],
    });
  }
  env.instance.programs = env.instance.programs.filter((p) => !others.includes(p));
  if (live.length > 0 || others.length > 0) {
    announceClientsDisconnected({
      instance: env.instance.name,
      database: database.name,
      programSpids: others.map((p) => p.spid),
      reason: 'SINGLE_USER',
      exceptSpid: spid,
    });
  }
  database.userAccess = access;
  env.changed();
}
