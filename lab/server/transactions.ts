// A session's transaction: @@TRANCOUNT, and what ROLLBACK undoes. BEGIN TRANSACTION
// (learn.microsoft.com "BEGIN TRANSACTION", "ROLLBACK TRANSACTION", "SAVE TRANSACTION"): nested
// BEGINs only count; COMMIT of the outermost makes the work durable; ROLLBACK without a savepoint
// undoes everything since the outermost BEGIN and sets @@TRANCOUNT to 0; ROLLBACK to a savepoint
// undoes what came after it and leaves @@TRANCOUNT alone.
//
// What a transaction can change in the lab is the security state (logins, server roles and
// permissions, users, certificates, master keys) and user tables (CREATE TABLE, INSERT): DDL that touches databases, endpoints, backup
// and restore is refused inside a transaction (226, 3021), as SQL Server refuses it. A rollback
// puts that state back as it was when the transaction (or savepoint) began.

import { SqlError } from '../errors.js';
import type { DatabaseState, InstanceState } from '../model.js';
import type { LiveSession } from '../catalog/context.js';
import { uncommittable } from './try-catch.js';

interface SecuritySnapshot {
  logins: InstanceState['logins'];
  serverRoleMembers: InstanceState['serverRoleMembers'];
  serverPermissions: InstanceState['serverPermissions'];
  databases: Record<string, Pick<DatabaseState, 'users' | 'certificates' | 'masterKey' | 'userTables'>>;
}

interface UndoPoint {
  /** SAVE TRANSACTION name; absent for the transaction's start. */
  savepoint?: string;
  /** The outermost BEGIN TRANSACTION's name, on the start point. */
  transactionName?: string;
  snapshot: SecuritySnapshot;
}

export interface TransactionState {
  trancount: number;
  undo: UndoPoint[];
  /** Uncommittable (XACT_STATE() = -1): an error under XACT_ABORT inside TRY (lab/server/try-catch.ts). */
  doomed?: boolean;
}

export interface TransactionScope {
  instance: InstanceState;
  transaction: TransactionState;
  live: LiveSession;
  /** The lab state changed (a rollback restored some of it): persist it. */
  changed(): void;
}

export type TransactionAction = 'BEGIN' | 'COMMIT' | 'ROLLBACK' | 'SAVE';

function snapshot(instance: InstanceState): SecuritySnapshot {
  const databases: SecuritySnapshot['databases'] = {};
  for (const [key, db] of Object.entries(instance.databases)) {
    databases[key] = structuredClone({ users: db.users, certificates: db.certificates, masterKey: db.masterKey, userTables: db.userTables });
  }
  return structuredClone({
    logins: instance.logins,
    serverRoleMembers: instance.serverRoleMembers,
    serverPermissions: instance.serverPermissions,
    databases,
  });
}

function restore(instance: InstanceState, saved: SecuritySnapshot): void {
  const copy = structuredClone(saved);
  instance.logins = copy.logins;
  instance.serverRoleMembers = copy.serverRoleMembers;
  instance.serverPermissions = copy.serverPermissions;
  for (const [key, parts] of Object.entries(copy.databases)) {
    const db = instance.databases[key];
    if (!db) continue;
    Object.assign(db, parts);
    if (parts.userTables === undefined) delete db.userTables;
  }
}

export function runTransactionAction(scope: TransactionScope, action: TransactionAction, name?: string): void {
  const t = scope.transaction;
  switch (action) {
    case 'BEGIN':
      if (t.trancount === 0) t.undo = [{ ...(name ? { transactionName: name } : {}), snapshot: snapshot(scope.instance) }];
      t.trancount++;
      break;
    case 'COMMIT':
      if (t.trancount === 0) throw new SqlError(3902, 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.');
      if (t.doomed) throw uncommittable();
      t.trancount--;
      if (t.trancount === 0) t.undo = [];
      break;
    case 'ROLLBACK':
      if (t.trancount === 0) throw new SqlError(3903, 'The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.');
      rollback(scope, name);
      break;
    case 'SAVE':
      if (t.trancount === 0) throw new SqlError(628, 'Cannot issue SAVE TRANSACTION when there is no active transaction.');
      if (t.doomed) throw uncommittable();
      t.undo.push({ savepoint: name ?? '', snapshot: snapshot(scope.instance) });
      break;
  }
  scope.live.openTransactions = t.trancount;
}

function rollback(scope: TransactionScope, name: string | undefined): void {
  const t = scope.transaction;
  const target = name === undefined ? -1 : lastSavepoint(t.undo, name);
  if (target > 0 && t.doomed) {
    throw new SqlError(3931, 'The current transaction cannot be committed and cannot be rolled back to a savepoint. Roll back the entire transaction.');
  }
  if (target > 0) {
    restore(scope.instance, t.undo[target]!.snapshot);
    t.undo.length = target + 1;
    return scope.changed();
  }
  if (name !== undefined && t.undo[0]?.transactionName?.toLowerCase() !== name.toLowerCase()) {
    throw new SqlError(6401, `Cannot roll back ${name}. No transaction or savepoint of that name was found.`);
  }
  rollbackAll(scope);
}

function lastSavepoint(points: UndoPoint[], name: string): number {
  for (let i = points.length - 1; i > 0; i--) if (points[i]!.savepoint?.toLowerCase() === name.toLowerCase()) return i;
  return -1;
}

/** Everything since the outermost BEGIN is undone and @@TRANCOUNT is 0 (also on disconnect and
 * under XACT_ABORT). */
export function rollbackAll(scope: TransactionScope): void {
  const t = scope.transaction;
  const start = t.undo[0];
  if (start) restore(scope.instance, start.snapshot);
  t.undo = [];
  t.trancount = 0;
  t.doomed = false;
  scope.live.openTransactions = 0;
  scope.changed();
}
