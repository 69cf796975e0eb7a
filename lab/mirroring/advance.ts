// The lab's clock for mirroring: advanceLab(lab, now) simulates everything that happens between the
// previous call and `now` — the workload commits, the principal ships log, the mirror hardens and
// redoes it, sessions disconnect and reconnect as faults come and go, the witness decides automatic
// failovers. Deterministic: the same state and the same sequence of times give the same result.

import type { DatabaseState, InstanceState, LabState, MirroringCounters, MirroringState } from '../model.js';
import { findDatabase } from '../storage/databases.js';
import { LOG_KB_PER_TRANSACTION, LSN_PER_TRANSACTION, logKB } from '../storage/log.js';
import { writeHandshakeFailure } from './errorlog.js';
import { noteSendQueue, runMonitorJob } from './monitor-status.js';
import { dropClientsOfDownInstance, reconnectPrograms } from './reconnect.js';
import { instanceUp, link } from './handshake.js';
import {
  becomeMirror,
  becomePrincipal,
  disconnectClients,
  endMirroring,
  partnerInstance,
  partnersLink,
  sessionLinked,
  sideOf,
  startSynchronizing,
  transactionsThrough,
  witnessLinked,
  witnessOf,
  type Side,
} from './session.js';

/** Longer gaps (a lab that was stopped) are simulated as this much time. */
export const MAX_STEP_MS = 60_000;
/** A (re)started session shows SYNCHRONIZING at least this long before SYNCHRONIZED (the behaviour
 * switch synchronizedAfterMs changes it). */
export const SYNCHRONIZED_AFTER_MS = 3_000;
const SEND_KB_PER_SECOND = 20 * 1024;
export const REDO_KB_PER_SECOND = 10 * 1024;
/** Log the mirror keeps received-but-not-redone under a steady workload, in seconds of workload
 * (a slow instance adds its delay). */
const REDO_LAG_SECONDS = 1;
/** A commit in FULL safety waits for the mirror to harden its log: this much on a healthy link,
 * plus the slow fault's delay. */
const COMMIT_DELAY_MS = 1;

export function countersOf(m: MirroringState): MirroringCounters {
  return (m.counters ??= { bytesSent: 0, bytesRedone: 0, transactionDelayMs: 0, mirroredTransactions: 0 });
}

function lsnBytes(lsn: number): number {
  return Math.max(0, Math.round((lsn / LSN_PER_TRANSACTION) * LOG_KB_PER_TRANSACTION * 1024));
}

/** What a step changed: nothing (`false`; `advancedAt` aside), only what time's passing moves
 * (`'progressed'`: log positions, queues, counters, committed transactions), or more (`'changed'`:
 * states, roles, error logs, programs …). */
export type Advanced = false | 'progressed' | 'changed';

export function advanceLab(lab: LabState, now: Date): Advanced {
  const before = fingerprint(lab);
  const last = lab.advancedAt ? Date.parse(lab.advancedAt) : now.getTime();
  const dtMs = Math.min(MAX_STEP_MS, Math.max(0, now.getTime() - last));
  if (now.getTime() > last || !lab.advancedAt) lab.advancedAt = now.toISOString();
  runWorkload(lab, dtMs, now);
  const visited = new Set<string>();
  for (const instance of Object.values(lab.instances)) {
    if (!instanceUp(lab, instance)) {
      dropClientsOfDownInstance(lab, instance);
      continue; // a stopped instance's view is frozen until it returns
    }
    for (const database of Object.values(instance.databases)) {
      const side = sideOf(instance, database);
      if (side?.mirroring.established) {
        stepSide(lab, side, now, dtMs, visited);
        noteSendQueue(database, new Date(now.getTime() - dtMs));
      }
    }
    runMonitorJob(instance, now);
  }
  reconnectPrograms(lab, now);
  const after = fingerprint(lab);
  if (!sameValues(before.shape, after.shape)) return 'changed';
  return sameValues(before.progress, after.progress) ? false : 'progressed';
}

/** Mirroring fields only time's passing moves (with the workload and the link). */
const PROGRESS_KEYS = new Set(['hardenedLsn', 'failoverLsn', 'sendQueueKB', 'redoQueueKB', 'countedTransactions', 'counters']);

/** The fields a step may change, as flat lists of values (compared value by value: building a JSON
 * string of them twice a step cost ~80 µs, and a step runs per tick, batch and login). */
interface Fingerprint {
  shape: unknown[];
  progress: unknown[];
}

function fingerprint(lab: LabState): Fingerprint {
  const shape: unknown[] = [lab.dataLoss?.length ?? 0, lab.reconnecting?.length ?? 0];
  const progress: unknown[] = [];
  for (const instance of Object.values(lab.instances)) {
    shape.push(instance.name, instance.errorLog.length, instance.programs.length, instance.dbmMonitor?.job?.lastRunAt ?? null);
    for (const d of Object.values(instance.databases)) {
      shape.push(d.name, d.state, d.recoveryForkGuid);
      progress.push(d.log.endLsn, d.log.restoredThroughLsn, d.committedTransactions);
      const m = d.mirroring;
      if (!m) shape.push(m);
      else for (const [key, value] of Object.entries(m)) flatten(PROGRESS_KEYS.has(key) ? progress : shape, key, value);
    }
  }
  return { shape, progress };
}

function flatten(into: unknown[], key: string, value: unknown): void {
  into.push(key);
  if (value === null || typeof value !== 'object') into.push(value);
  else for (const [k, v] of Object.entries(value)) flatten(into, k, v);
}

function sameValues(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A principal that is back in touch with its partner after being apart (disconnected, or
 * restarted while the partner took over) reconnects in this step before its clients are back: it
 * commits nothing meanwhile (a restarted former principal meets the forced one at once, as SQL
 * Server's partners reconnect in milliseconds). */
function rejoining(lab: LabState, instance: InstanceState, database: DatabaseState, now: Date): boolean {
  const side = database.mirroring?.established ? sideOf(instance, database) : null;
  const peer = side ? partnerInstance(lab, side) : undefined;
  if (!side || !peer || !sessionLinked(lab, side, peer, now)) return false;
  return side.mirroring.state === 'DISCONNECTED' || findDatabase(peer, database.name)?.mirroring?.role === 'PRINCIPAL';
}

function runWorkload(lab: LabState, dtMs: number, now: Date): void {
  if (dtMs === 0) return;
  for (const instance of Object.values(lab.instances)) {
    if (!instanceUp(lab, instance)) continue;
    for (const database of Object.values(instance.databases)) {
      const m = database.mirroring;
      const writable = database.state === 'ONLINE' && m?.role !== 'MIRROR' && !m?.quorumLost && m?.state !== 'PENDING_FAILOVER';
      if (!writable || database.workloadTps <= 0 || rejoining(lab, instance, database, now)) continue;
      const due = (database.workloadTps * dtMs) / 1000 + (database.workloadCarry ?? 0);
      const commits = Math.floor(due);
      database.workloadCarry = due - commits;
      database.committedTransactions += commits;
      database.log.endLsn += commits * LSN_PER_TRANSACTION;
      const table = Object.keys(database.tables).sort()[0];
      if (table !== undefined) database.tables[table] = (database.tables[table] ?? 0) + commits;
    }
  }
}

function stepSide(lab: LabState, side: Side, now: Date, dtMs: number, visited: Set<string>): void {
  const peerInstance = partnerInstance(lab, side);
  const peerDatabase = peerInstance && findDatabase(peerInstance, side.database.name);
  const peer = peerInstance && peerDatabase ? sideOf(peerInstance, peerDatabase) : null;
  const linked = peerInstance !== undefined && sessionLinked(lab, side, peerInstance, now);
  updateWitnessState(lab, side, now);
  if (!linked) {
    if (peerInstance) logRefusedReconnect(lab, side, peerInstance, now);
    return stepDisconnected(lab, side, now, dtMs);
  }
  if (!peer || peer.mirroring.guid !== side.mirroring.guid) return endMirroring(side, now); // removed over there meanwhile
  if (visited.has(side.mirroring.guid)) return;
  visited.add(side.mirroring.guid);
  if (side.mirroring.role === 'PRINCIPAL' && peer.mirroring.role === 'PRINCIPAL') resolveTwoPrincipals(lab, side, peer, now);
  const [principal, mirror] = side.mirroring.role === 'PRINCIPAL' ? [side, peer] : [peer, side];
  if (principal.mirroring.role !== 'PRINCIPAL' || mirror.mirroring.role !== 'MIRROR') return;
  for (const s of [principal, mirror]) {
    if (s.mirroring.connectedSince) continue;
    s.mirroring.connectedSince = now.toISOString();
    s.mirroring.countersAtConnect = { ...countersOf(s.mirroring) };
  }
  if (principal.mirroring.state === 'PENDING_FAILOVER') return;
  // The principal's configuration wins (a WITNESS OFF or SAFETY change made while apart).
  mirror.mirroring.witnessName = principal.mirroring.witnessName;
  mirror.mirroring.safety = principal.mirroring.safety;
  mirror.mirroring.timeoutSeconds = principal.mirroring.timeoutSeconds;
  principal.mirroring.quorumLost = false;
  if (principal.mirroring.state === 'DISCONNECTED' || mirror.mirroring.state === 'DISCONNECTED') {
    if (principal.mirroring.forced) suspendBoth(principal, mirror);
    else startSynchronizing(lab, principal, mirror, now);
  }
  if (principal.mirroring.state === 'SUSPENDED' || mirror.mirroring.state === 'SUSPENDED') {
    suspendBoth(principal, mirror);
    principal.mirroring.countedTransactions = principal.database.committedTransactions;
    redo(mirror, dtMs, 0);
    principal.mirroring.sendQueueKB = logKB(principal.mirroring.hardenedLsn ?? principal.database.log.endLsn, principal.database.log.endLsn);
    return;
  }
  ship(lab, principal, mirror, now, dtMs);
}

/** Transactions the principal committed since the last count: each is a mirrored write, and in
 * FULL safety each waited for the mirror (Transaction Delay). */
function countTransactions(principal: Side, slowMs: number): void {
  const m = principal.mirroring;
  const committed = principal.database.committedTransactions;
  const fresh = Math.max(0, committed - (m.countedTransactions ?? committed));
  m.countedTransactions = committed;
  const c = countersOf(m);
  c.mirroredTransactions += fresh;
  if (m.safety === 'FULL') c.transactionDelayMs += fresh * (COMMIT_DELAY_MS + slowMs);
}

function suspendBoth(principal: Side, mirror: Side): void {
  for (const s of [principal, mirror]) {
    s.mirroring.state = 'SUSPENDED';
    s.mirroring.disconnectedSince = null;
    s.mirroring.synchronizingSince = null;
  }
}

/** After forced service or an automatic failover while one partner was away, the returning former
 * principal meets the newer one: the later role sequence wins, the other becomes the mirror. */
function resolveTwoPrincipals(lab: LabState, a: Side, b: Side, now: Date): void {
  const [winner, loser] = a.mirroring.roleSequence >= b.mirroring.roleSequence ? [a, b] : [b, a];
  becomeMirror(lab, loser, now, 'RETURN');
  loser.mirroring.roleSequence = winner.mirroring.roleSequence;
  if (winner.mirroring.forced) suspendBoth(winner, loser);
  else startSynchronizing(lab, winner, loser, now);
}

function slowness(lab: LabState, principal: Side, mirror: Side): number {
  return Math.max(lab.faults[principal.instance.name]?.slowMs ?? 0, lab.faults[mirror.instance.name]?.slowMs ?? 0);
}

/** What the link ships per second, less on a slow one. */
export function sendCapacityKBps(slowMs: number): number {
  return SEND_KB_PER_SECOND / (1 + slowMs / 100);
}

function lsnForSeconds(tps: number, seconds: number): number {
  return Math.round(tps * seconds * LSN_PER_TRANSACTION);
}

function kbToLsn(kb: number): number {
  return (kb / LOG_KB_PER_TRANSACTION) * LSN_PER_TRANSACTION;
}

function ship(lab: LabState, principal: Side, mirror: Side, now: Date, dtMs: number): void {
  const p = principal.database;
  const slowMs = slowness(lab, principal, mirror);
  const tps = p.workloadTps;
  // In flight on the wire: nothing in FULL safety on a healthy link (commits wait), more when slow.
  const sendLagSeconds = (principal.mirroring.safety === 'FULL' ? 0 : 0.05) + slowMs / 1000;
  const sendable = p.log.endLsn - lsnForSeconds(tps, sendLagSeconds);
  const hardenedBefore = Math.max(principal.mirroring.hardenedLsn ?? mirror.database.log.endLsn, mirror.database.log.endLsn);
  const capacity = kbToLsn(sendCapacityKBps(slowMs) * (dtMs / 1000));
  const hardened = Math.max(hardenedBefore, Math.min(sendable, hardenedBefore + capacity));
  principal.mirroring.hardenedLsn = hardened;
  mirror.database.log.endLsn = hardened;
  // CREATE USER / DROP USER are logged like any change: the mirror's copy follows.
  mirror.database.users = structuredClone(principal.database.users);
  countTransactions(principal, slowMs);
  countersOf(principal.mirroring).bytesSent += lsnBytes(hardened - hardenedBefore);
  redo(mirror, dtMs, lsnForSeconds(tps, REDO_LAG_SECONDS + slowMs / 1000), p);
  principal.mirroring.sendQueueKB = logKB(hardened, p.log.endLsn);
  principal.mirroring.redoQueueKB = 0;
  mirror.mirroring.sendQueueKB = 0;
  principal.mirroring.failoverLsn = hardened;
  mirror.mirroring.failoverLsn = hardened;
  const caughtUp = hardened >= sendable;
  const m = principal.mirroring;
  const reportsSynchronized = m.safety === 'FULL' || principal.instance.behaviour.asyncReportsSynchronized;
  if (
    m.state === 'SYNCHRONIZING' &&
    caughtUp &&
    reportsSynchronized &&
    now.getTime() - Date.parse(m.synchronizingSince ?? now.toISOString()) >= (principal.instance.behaviour.synchronizedAfterMs ?? SYNCHRONIZED_AFTER_MS)
  ) {
    m.state = 'SYNCHRONIZED';
    mirror.mirroring.state = 'SYNCHRONIZED';
  } else if (m.state === 'SYNCHRONIZED' && (!caughtUp || !reportsSynchronized)) {
    for (const s of [principal, mirror]) {
      s.mirroring.state = 'SYNCHRONIZING';
      s.mirroring.synchronizingSince = now.toISOString();
    }
  }
}

/** The mirror redoes hardened log at its redo rate, staying `lagLsn` behind what it hardened. */
function redo(mirror: Side, dtMs: number, lagLsn: number, principal?: DatabaseState): void {
  const d = mirror.database;
  const hardened = d.log.endLsn;
  const redone = Math.min(d.log.restoredThroughLsn ?? hardened, hardened);
  const target = principal ? hardened - lagLsn : hardened;
  const next = Math.max(redone, Math.min(target, redone + kbToLsn(REDO_KB_PER_SECOND * (dtMs / 1000))));
  d.log.restoredThroughLsn = next;
  countersOf(mirror.mirroring).bytesRedone += lsnBytes(next - redone);
  if (principal) d.committedTransactions = transactionsThrough(principal, next);
  mirror.mirroring.redoQueueKB = logKB(next, hardened);
}

function stepDisconnected(lab: LabState, side: Side, now: Date, dtMs: number): void {
  const m = side.mirroring;
  m.connectedSince = null;
  if (m.state === 'SYNCHRONIZING' || m.state === 'SYNCHRONIZED') {
    m.stateBeforeDisconnect = m.state;
    m.state = 'DISCONNECTED';
    m.disconnectedSince = now.toISOString();
  }
  if (m.role === 'MIRROR') {
    redo(side, dtMs, 0);
    if (automaticFailoverDue(lab, side, now)) failOverAutomatically(lab, side, now);
    return;
  }
  m.sendQueueKB = logKB(m.hardenedLsn ?? side.database.log.endLsn, side.database.log.endLsn);
  m.countedTransactions = side.database.committedTransactions;
  // With a witness, a principal that sees neither partner nor witness has lost quorum: it stops serving.
  const quorumLost = m.witnessName !== null && !witnessLinked(lab, side, now);
  if (quorumLost && !m.quorumLost) disconnectClients(lab, side, 'QUORUM_LOST');
  m.quorumLost = quorumLost;
}

function automaticFailoverDue(lab: LabState, side: Side, now: Date): boolean {
  const m = side.mirroring;
  if (m.safety !== 'FULL' || !m.witnessName || m.state !== 'DISCONNECTED' || m.stateBeforeDisconnect !== 'SYNCHRONIZED') return false;
  const since = Date.parse(m.disconnectedSince ?? now.toISOString());
  if (now.getTime() - since < m.timeoutSeconds * 1000) return false;
  const witness = witnessOf(lab, side);
  if (!witness || !witnessLinked(lab, side, now)) return false;
  // The witness must have lost the principal too; otherwise the principal still has quorum.
  const principal = partnerInstance(lab, side);
  return !principal || link(lab, principal, witness, { a: 'PARTNER', b: 'WITNESS' }, now) !== null;
}

function failOverAutomatically(lab: LabState, side: Side, now: Date): void {
  const old = partnerInstance(lab, side);
  const oldCopy = old ? findDatabase(old, side.database.name) : undefined;
  side.database.log.restoredThroughLsn = side.database.log.endLsn;
  if (oldCopy) side.database.committedTransactions = transactionsThrough(oldCopy, side.database.log.endLsn);
  becomePrincipal(side, oldCopy ?? null, now, 'AUTOMATIC');
  side.mirroring.roleSequence += 1;
  side.mirroring.stateBeforeDisconnect = null;
}

/** A reconnect the peer's handshake refuses is logged where it was refused — once, not per tick. */
function logRefusedReconnect(lab: LabState, side: Side, peer: InstanceState, now: Date): void {
  const refusal = partnersLink(lab, side.instance, peer, now);
  const log = refusal?.loggedBy;
  if (
    !refusal ||
    !log ||
    log.errorLog.some((line) => line.text === refusal.text && Date.parse(line.ts) >= Date.parse(side.mirroring.disconnectedSince ?? line.ts))
  )
    return;
  writeHandshakeFailure(refusal, now);
}

function updateWitnessState(lab: LabState, side: Side, now: Date): void {
  const m = side.mirroring;
  m.witnessState = m.witnessName ? (witnessLinked(lab, side, now) ? 'CONNECTED' : 'DISCONNECTED') : null;
}
