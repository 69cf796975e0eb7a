// A mirroring session seen from one copy of the database, and the role changes every path
// (manual failover, automatic failover, forced service, a returning partner) shares.

import { randomUUID } from 'node:crypto';
import type { DatabaseState, InstanceState, LabState, MirroringState } from '../model.js';
import { findDatabase } from '../storage/databases.js';
import { LSN_PER_TRANSACTION, logKB } from '../storage/log.js';
import { instanceAtAddress } from './address.js';
import { writeErrorLog } from './errorlog.js';
import { link, reachable, type HandshakeRefusal } from './handshake.js';
import { announceClientsDisconnected, type ClientsDisconnected } from './hooks.js';
import { queueReconnect } from './reconnect.js';

export interface Side {
  instance: InstanceState;
  database: DatabaseState;
  mirroring: MirroringState;
}

export function sideOf(instance: InstanceState, database: DatabaseState): Side | null {
  return database.mirroring ? { instance, database, mirroring: database.mirroring } : null;
}

export function partnerInstance(lab: LabState, side: Side): InstanceState | undefined {
  const m = side.mirroring;
  return (m.partnerInstance ? lab.instances[m.partnerInstance] : undefined) ?? instanceAtAddress(lab, m.partnerName);
}

/** The other copy, when it still belongs to the same session. */
export function partnerSide(lab: LabState, side: Side): Side | null {
  const instance = partnerInstance(lab, side);
  const database = instance && findDatabase(instance, side.database.name);
  const other = instance && database ? sideOf(instance, database) : null;
  return other && other.mirroring.guid === side.mirroring.guid ? other : null;
}

export function partnersLink(lab: LabState, a: InstanceState, b: InstanceState, now: Date): HandshakeRefusal | null {
  return link(lab, a, b, { a: 'PARTNER', b: 'PARTNER' }, now);
}

/** Are the two copies' instances talking? Connections already up survive what only a new
 * handshake would check (an expired certificate, a revoked CONNECT); a lost transport — instance
 * down, isolated, endpoint stopped — ends them, and reconnecting needs the full handshake. */
export function sessionLinked(lab: LabState, side: Side, peer: InstanceState, now: Date): boolean {
  const peerCopy = findDatabase(peer, side.database.name)?.mirroring;
  const connected =
    side.mirroring.established && side.mirroring.state !== 'DISCONNECTED' && peerCopy?.guid === side.mirroring.guid && peerCopy.state !== 'DISCONNECTED';
  if (!connected) return partnersLink(lab, side.instance, peer, now) === null;
  return reachable(lab, side.instance, peer) && side.instance.endpoint?.state === 'STARTED' && peer.endpoint?.state === 'STARTED';
}

export function witnessOf(lab: LabState, side: Side): InstanceState | undefined {
  return side.mirroring.witnessName ? instanceAtAddress(lab, side.mirroring.witnessName) : undefined;
}

export function witnessLinked(lab: LabState, side: Side, now: Date): boolean {
  const witness = witnessOf(lab, side);
  return witness !== undefined && link(lab, side.instance, witness, { a: 'PARTNER', b: 'WITNESS' }, now) === null;
}

/** Committed transactions contained in the log up to `lsn` of a copy whose end of log is known. */
export function transactionsThrough(database: DatabaseState, lsn: number): number {
  return Math.max(0, database.committedTransactions - Math.floor(Math.max(0, database.log.endLsn - lsn) / LSN_PER_TRANSACTION));
}

export function transactionsBetween(fromLsn: number, toLsn: number): number {
  return Math.max(0, Math.floor((toLsn - fromLsn) / LSN_PER_TRANSACTION));
}

export function queuesKB(from: number, to: number): number {
  return logKB(from, to);
}

export function disconnectClients(lab: LabState, side: Side, reason: ClientsDisconnected['reason']): void {
  const upper = side.database.name.toUpperCase();
  const leaving = side.instance.programs.filter((p) => p.database.toUpperCase() === upper);
  side.instance.programs = side.instance.programs.filter((p) => p.database.toUpperCase() !== upper);
  queueReconnect(lab, leaving, [side.instance.name, side.mirroring.partnerInstance]);
  announceClientsDisconnected({ instance: side.instance.name, database: side.database.name, programSpids: leaving.map((p) => p.spid), reason });
}

const roleChangeReason = {
  FAILOVER: 'manual failover',
  AUTOMATIC: 'automatic failover',
  FORCE_SERVICE: 'forced service',
  RETURN: 'a failover while this instance was away',
} as const;

/** This copy becomes the writable one: redo finishes, the database opens, the workload follows. */
export function becomePrincipal(side: Side, peer: DatabaseState | null, now: Date, why: keyof typeof roleChangeReason): void {
  const { database, mirroring } = side;
  const was = mirroring.role;
  database.log.restoredThroughLsn = null;
  database.log.restoredFromFullLsn = null;
  database.state = 'ONLINE';
  database.workloadTps = Math.max(database.workloadTps, peer?.workloadTps ?? 0);
  mirroring.role = 'PRINCIPAL';
  mirroring.redoQueueKB = 0;
  mirroring.hardenedLsn = database.log.endLsn;
  mirroring.failoverLsn = database.log.endLsn;
  mirroring.quorumLost = false;
  if (was !== 'PRINCIPAL') {
    writeErrorLog(
      side.instance,
      now,
      `The mirrored database "${database.name}" is changing roles from "MIRROR" to "PRINCIPAL" because the mirroring session or availability group failed over due to ${roleChangeReason[why]}. This is an informational message only. No user action is required.`,
      1480,
    );
  }
}

/** This copy stops being writable: clients are thrown out, the database goes back to RESTORING. */
export function becomeMirror(lab: LabState, side: Side, now: Date, why: keyof typeof roleChangeReason): void {
  const { database, mirroring } = side;
  const was = mirroring.role;
  disconnectClients(lab, side, why === 'FAILOVER' ? 'FAILOVER' : 'ROLE_CHANGE');
  database.state = 'RESTORING';
  database.log.restoredThroughLsn = database.log.endLsn;
  database.workloadCarry = 0;
  mirroring.role = 'MIRROR';
  mirroring.sendQueueKB = 0;
  mirroring.quorumLost = false;
  mirroring.forced = false;
  if (was !== 'MIRROR') {
    writeErrorLog(
      side.instance,
      now,
      `The mirrored database "${database.name}" is changing roles from "PRINCIPAL" to "MIRROR" because the mirroring session or availability group failed over due to ${roleChangeReason[why]}. This is an informational message only. No user action is required.`,
      1480,
    );
  }
}

/** Both copies start (again) to synchronize from the point they share; a mirror copy that went its
 * own way (a returning former principal after forced service) has its later transactions undone. */
export function startSynchronizing(lab: LabState, principal: Side, mirror: Side, now: Date): void {
  const p = principal.database;
  const m = mirror.database;
  const diverged = m.recoveryForkGuid !== p.recoveryForkGuid;
  const common = diverged ? Math.min(principal.mirroring.failoverLsn, m.log.endLsn) : Math.min(m.log.endLsn, p.log.endLsn);
  if (m.log.endLsn > common) {
    const undone = transactionsBetween(common, m.log.endLsn);
    const alreadyCounted = principal.mirroring.lostTransactions ?? 0;
    const later = Math.max(0, undone - alreadyCounted);
    if (later > 0)
      recordDataLoss(lab, { at: now.toISOString(), database: m.name, instance: mirror.instance.name, transactions: later, reason: 'RESUME_ROLLBACK' });
    m.committedTransactions = Math.max(0, m.committedTransactions - undone);
    m.log.endLsn = common;
  }
  m.recoveryForkGuid = p.recoveryForkGuid;
  m.log.restoredThroughLsn = Math.min(m.log.restoredThroughLsn ?? m.log.endLsn, m.log.endLsn);
  principal.mirroring.forced = false;
  principal.mirroring.hardenedLsn = m.log.endLsn;
  for (const s of [principal, mirror]) {
    s.mirroring.state = 'SYNCHRONIZING';
    s.mirroring.synchronizingSince = now.toISOString();
    s.mirroring.disconnectedSince = null;
    s.mirroring.roleSequence = Math.max(principal.mirroring.roleSequence, mirror.mirroring.roleSequence);
  }
}

export function recordDataLoss(lab: LabState, record: NonNullable<LabState['dataLoss']>[number]): void {
  lab.dataLoss = [...(lab.dataLoss ?? []), record];
}

/** Total committed transactions the lab has thrown away for a database (forced service + rollback). */
export function lostTransactionCount(lab: LabState, database: string): number {
  return (lab.dataLoss ?? []).filter((r) => r.database.toUpperCase() === database.toUpperCase()).reduce((sum, r) => sum + r.transactions, 0);
}

/** Mirroring ends for this copy: a principal stays ONLINE, a mirror copy stays RESTORING. */
export function endMirroring(side: Side, now: Date): void {
  const { database } = side;
  if (side.mirroring.role === 'MIRROR') {
    database.log.restoredThroughLsn = database.log.endLsn;
    database.log.restoredFromFullLsn = database.log.restoredFromFullLsn ?? database.log.lastFullBackupLsn;
  }
  database.mirroring = null;
  writeErrorLog(
    side.instance,
    now,
    `Database mirroring has been terminated for database '${database.name}'. This is an informational message only. No user action is required.`,
    1443,
  );
}

export function newMirroring(partnerName: string, role: MirroringState['role'], state: MirroringState['state']): MirroringState {
  return {
    guid: randomUUID().toUpperCase(),
    role,
    roleSequence: 1,
    state,
    safety: 'FULL',
    safetySequence: 1,
    partnerName,
    partnerInstance: null,
    witnessName: null,
    witnessState: null,
    failoverLsn: 0,
    timeoutSeconds: 10,
    sendQueueKB: 0,
    redoQueueKB: 0,
    established: false,
  };
}
