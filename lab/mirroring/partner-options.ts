// ALTER DATABASE db SET PARTNER { FAILOVER | FORCE_SERVICE_ALLOW_DATA_LOSS | RESUME | SUSPEND | OFF
// | SAFETY { FULL | OFF } | TIMEOUT n }.

import { randomUUID } from 'node:crypto';
import type { ExecEnv } from '../server/env.js';
import { findDatabase } from '../storage/databases.js';
import { cannotAlterDatabase } from '../storage/messages.js';
import * as msg from './messages.js';
import {
  becomeMirror,
  becomePrincipal,
  endMirroring,
  partnerInstance,
  partnerSide,
  recordDataLoss,
  sessionLinked,
  sideOf,
  startSynchronizing,
  transactionsBetween,
  transactionsThrough,
  witnessLinked,
  type Side,
} from './session.js';

/** How long the principal shows PENDING_FAILOVER while the roles switch. */
export const FAILOVER_MS = 1000;

function mirroredSide(env: ExecEnv, databaseName: string): Side {
  const database = findDatabase(env.instance, databaseName);
  if (!database) throw cannotAlterDatabase(databaseName);
  const side = sideOf(env.instance, database);
  if (!side) throw msg.notConfigured(database.name);
  return side;
}

/** The partner's copy, when both partners are up, linked and in the same session. */
function connectedPartner(env: ExecEnv, side: Side): Side | null {
  const other = partnerSide(env.lab, side);
  if (!other || !side.mirroring.established) return null;
  return sessionLinked(env.lab, side, other.instance, env.now()) ? other : null;
}

export async function failover(env: ExecEnv, databaseName: string): Promise<void> {
  const side = mirroredSide(env, databaseName);
  const name = side.database.name;
  if (side.mirroring.role !== 'PRINCIPAL') throw msg.onlyOnPrincipal(name);
  if (side.mirroring.safety !== 'FULL') throw msg.safetyMustBeFull(name);
  const mirror = connectedPartner(env, side);
  if (!mirror) throw msg.partnersNotConnected(name);
  if (side.mirroring.state !== 'SYNCHRONIZED') throw msg.notCaughtUp(name);
  side.mirroring.state = 'PENDING_FAILOVER';
  env.changed();
  try {
    await env.work(FAILOVER_MS);
  } catch {
    // Once initiated a failover completes even if the issuing client goes away.
  }
  const now = env.now();
  mirror.database.log.endLsn = side.database.log.endLsn;
  mirror.database.committedTransactions = side.database.committedTransactions;
  mirror.database.tables = { ...side.database.tables };
  becomePrincipal(mirror, side.database, now, 'FAILOVER');
  becomeMirror(env.lab, side, now, 'FAILOVER');
  side.mirroring.roleSequence += 1;
  mirror.mirroring.roleSequence = side.mirroring.roleSequence;
  startSynchronizing(env.lab, mirror, side, now);
  env.changed();
}

export function forceService(env: ExecEnv, databaseName: string): void {
  const side = mirroredSide(env, databaseName);
  const { database, mirroring } = side;
  const name = database.name;
  if (mirroring.role !== 'MIRROR' || connectedPartner(env, side)) throw msg.cannotForce(name);
  if (mirroring.witnessName && !witnessLinked(env.lab, side, env.now())) throw msg.nobodyAvailable(name);
  if (!mirroring.established) throw msg.unsafeForce(name);
  const now = env.now();
  const old = partnerInstance(env.lab, side);
  const oldCopy = old ? findDatabase(old, name) : undefined;
  // What the old principal had committed but never got to us is gone from this copy's history.
  const lost = oldCopy ? transactionsBetween(database.log.endLsn, oldCopy.log.endLsn) : 0;
  database.committedTransactions = oldCopy ? transactionsThrough(oldCopy, database.log.endLsn) : database.committedTransactions;
  becomePrincipal(side, oldCopy ?? null, now, 'FORCE_SERVICE');
  database.recoveryForkGuid = randomUUID().toUpperCase();
  mirroring.roleSequence += 1;
  mirroring.state = 'SUSPENDED';
  mirroring.forced = true;
  mirroring.lostTransactions = lost;
  mirroring.sendQueueKB = 0;
  recordDataLoss(env.lab, { at: now.toISOString(), database: name, instance: old?.name ?? mirroring.partnerName, transactions: lost, reason: 'FORCE_SERVICE' });
  env.changed();
}

export function resume(env: ExecEnv, databaseName: string): void {
  const side = mirroredSide(env, databaseName);
  if (side.mirroring.state !== 'SUSPENDED') return;
  const other = connectedPartner(env, side);
  const now = env.now();
  if (other) {
    const [principal, mirror] = side.mirroring.role === 'PRINCIPAL' ? [side, other] : [other, side];
    startSynchronizing(env.lab, principal, mirror, now);
  } else {
    // Resumes once the partner is back (lab/mirroring/advance reconnects it).
    side.mirroring.forced = false;
    side.mirroring.state = 'DISCONNECTED';
    side.mirroring.disconnectedSince = now.toISOString();
  }
  env.changed();
}

export function suspend(env: ExecEnv, databaseName: string): void {
  const side = mirroredSide(env, databaseName);
  const other = connectedPartner(env, side);
  for (const s of other ? [side, other] : [side]) {
    s.mirroring.state = 'SUSPENDED';
    s.mirroring.synchronizingSince = null;
  }
  env.changed();
}

export function partnerOff(env: ExecEnv, databaseName: string): void {
  const side = mirroredSide(env, databaseName);
  const other = connectedPartner(env, side);
  const now = env.now();
  // The partner learns now if it can be reached, else when it reconnects.
  if (other) endMirroring(other, now);
  endMirroring(side, now);
  env.changed();
}

function principalSide(env: ExecEnv, databaseName: string): { side: Side; other: Side | null } {
  const side = mirroredSide(env, databaseName);
  if (side.mirroring.role !== 'PRINCIPAL') throw msg.onlyOnPrincipal(side.database.name);
  return { side, other: connectedPartner(env, side) };
}

export function setSafety(env: ExecEnv, databaseName: string, safety: 'FULL' | 'OFF'): void {
  const { side, other } = principalSide(env, databaseName);
  if (safety === 'OFF' && env.instance.edition === 'Standard') throw msg.safetyNotChangeable();
  if (!other) throw msg.partnersNotConnected(side.database.name);
  if (side.mirroring.safety === safety) return;
  for (const s of [side, other]) {
    s.mirroring.safety = safety;
    s.mirroring.safetySequence += 1;
    if (s.mirroring.state === 'SYNCHRONIZED') s.mirroring.state = 'SYNCHRONIZING';
    s.mirroring.synchronizingSince = env.now().toISOString();
  }
  env.changed();
}

export function setTimeout(env: ExecEnv, databaseName: string, seconds: number): void {
  const { side, other } = principalSide(env, databaseName);
  if (seconds > 32767) throw msg.timeoutTooLarge(seconds);
  const effective = Math.max(5, Math.floor(seconds));
  for (const s of other ? [side, other] : [side]) s.mirroring.timeoutSeconds = effective;
  env.changed();
}
