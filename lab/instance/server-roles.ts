// Fixed server roles and their members (ALTER SERVER ROLE … ADD/DROP MEMBER, sp_addsrvrolemember).

import { SqlError } from '../errors.js';
import type { InstanceState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { findLogin } from './principals.js';

/** principal_id of each fixed server role, as SQL Server numbers them. */
export const FIXED_SERVER_ROLES: Record<string, number> = {
  public: 2,
  sysadmin: 3,
  securityadmin: 4,
  serveradmin: 5,
  setupadmin: 6,
  processadmin: 7,
  diskadmin: 8,
  dbcreator: 9,
  bulkadmin: 10,
};

function roleName(role: string): string {
  const name = Object.keys(FIXED_SERVER_ROLES).find((candidate) => candidate === role.toLowerCase());
  if (!name || name === 'public') throw new SqlError(15151, `Cannot alter the server role '${role}', because it does not exist or you do not have permission.`);
  return name;
}

export function addServerRoleMember(env: ExecEnv, role: string, member: string): void {
  const name = roleName(role);
  const login = findLogin(env.instance.logins, member);
  if (!login) throw new SqlError(15151, `Cannot add the principal '${member}', because it does not exist or you do not have permission.`);
  const members = (env.instance.serverRoleMembers[name] ??= []);
  if (!members.some((existing) => existing.toLowerCase() === login.name.toLowerCase())) members.push(login.name);
  env.changed();
}

export function dropServerRoleMember(env: ExecEnv, role: string, member: string): void {
  const name = roleName(role);
  const login = findLogin(env.instance.logins, member);
  if (!login) throw new SqlError(15151, `Cannot drop the principal '${member}', because it does not exist or you do not have permission.`);
  env.instance.serverRoleMembers[name] = (env.instance.serverRoleMembers[name] ?? []).filter((existing) => existing.toLowerCase() !== login.name.toLowerCase());
  env.changed();
}

export function isRoleMember(instance: InstanceState, loginName: string, role: string): boolean {
  if (role === 'public') return true;
  return (instance.serverRoleMembers[role] ?? []).some((member) => member.toLowerCase() === loginName.toLowerCase());
}
