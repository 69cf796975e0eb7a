// Who may run what. The lab keeps SQL Server's coarse rule for the statements it simulates:
// security DDL, databases, backup and restore need sysadmin (a login such as MIRROR_login, which
// exists only for the endpoint, can connect but change nothing).

import { SqlError } from '../errors.js';
import type { ExecEnv } from '../server/env.js';
import { isRoleMember } from './server-roles.js';

export function isSysadmin(env: Pick<ExecEnv, 'instance' | 'session'>): boolean {
  return isRoleMember(env.instance, env.session.login, 'sysadmin');
}

export function requireSysadmin(env: ExecEnv): void {
  if (!isSysadmin(env)) throw new SqlError(15247, 'User does not have permission to perform this action.');
}

export function requireBackupPermission(env: ExecEnv, database: string, command: 'BACKUP DATABASE' | 'BACKUP LOG'): void {
  if (isSysadmin(env)) return;
  throw new SqlError(262, `${command} permission denied in database '${database}'.`, {
    class: 14,
    followUps: [new SqlError(3013, `${command} is terminating abnormally.`)],
  });
}

export function requireRestorePermission(env: ExecEnv, database: string, command: string): void {
  if (isSysadmin(env)) return;
  throw new SqlError(3110, `User does not have permission to RESTORE database '${database}'.`, {
    class: 14,
    followUps: [new SqlError(3013, `${command} is terminating abnormally.`)],
  });
}

export function requireAlterDatabase(env: ExecEnv, database: string): void {
  if (isSysadmin(env)) return;
  throw new SqlError(5011, `User does not have permission to alter database '${database}', the database does not exist, or the database is not in a state that allows access checks.`, {
    class: 14,
    followUps: [new SqlError(5069, 'ALTER DATABASE statement failed.')],
  });
}
