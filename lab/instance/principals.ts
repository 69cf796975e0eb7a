// Server and database principals as data: how a login or a user comes into being.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DatabaseState, DatabaseUser, LabState, Login } from '../model.js';
import { hashPassword } from './password.js';

export function nextPrincipalId(lab: LabState): number {
  return lab.nextIds.principalId++;
}

/** SQL logins get a random 16-byte SID; Windows logins the account's SID (S-1-5-21-…), which Windows
 * gives, so the same DOMAIN\\name has the same SID on every server (derived here from the name). */
export function newSid(type: Login['type'], name = ''): string {
  if (type === 'S') return randomBytes(16).toString('hex');
  return `010500000000000515000000${createHash('sha256').update(name.toUpperCase()).digest('hex').slice(0, 32)}`;
}

export function newLogin(
  lab: LabState,
  spec: {
    name: string;
    type: Login['type'];
    password?: string;
    /** The stored hash, for a login whose password is not given. */
    passwordHash?: string;
    defaultDatabase?: string;
    now: Date;
    principalId?: number;
    sidHex?: string;
  },
): Login {
  return {
    name: spec.name,
    principalId: spec.principalId ?? nextPrincipalId(lab),
    sidHex: spec.sidHex ?? newSid(spec.type, spec.name),
    type: spec.type,
    passwordHash: spec.password === undefined ? (spec.passwordHash ?? null) : hashPassword(spec.password),
    isDisabled: false,
    createDate: spec.now.toISOString(),
    defaultDatabase: spec.defaultDatabase ?? 'master',
  };
}

/** dbo and guest exist in every database. */
export function builtInUsers(createDate: string): Record<string, DatabaseUser> {
  return {
    dbo: { name: 'dbo', principalId: 1, type: 'S', loginSidHex: '01', createDate },
    guest: { name: 'guest', principalId: 2, type: 'S', loginSidHex: '00', createDate },
  };
}

/** Database principal ids are per database; user-created ones start at 5 as in SQL Server. */
export function nextUserId(database: DatabaseState): number {
  return Math.max(4, ...Object.values(database.users).map((user) => user.principalId)) + 1;
}

export function newGuid(): string {
  return randomUUID().toUpperCase();
}

export function findLogin(logins: Record<string, Login>, name: string): Login | undefined {
  const key = Object.keys(logins).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : logins[key];
}

export function findByName<T>(record: Record<string, T>, name: string): [string, T] | undefined {
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : [key, record[key] as T];
}
