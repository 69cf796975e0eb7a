// When advanceLab could next change more than progress if nothing but time passed: what lets a
// running lab sleep instead of stepping every 250 ms. Read beside advance.ts — every state and
// clock test a step makes is accounted for here: a state that changes under steps of any size is
// "now" (keep stepping), one that changes at a known time gives that time, and the rest (a
// workload's commits, log shipped and redone at a pace the link keeps up with) is progress that one
// long step simulates exactly as many short ones do.

import type { DatabaseState, InstanceState, LabState } from '../model.js';
import { LOG_KB_PER_TRANSACTION } from '../storage/log.js';
import { REDO_KB_PER_SECOND, sendCapacityKBps } from './advance.js';
import { instanceUp } from './handshake.js';
import { partnerInstance, sideOf } from './session.js';

/** Steps the margin below assumes at least (the running lab's tick): a step of that length may
 * carry one commit more than its share. */
const SHORTEST_STEP_MS = 250;

/**
 * The earliest lab time (ms) at which a step could change more than progress — a state, a role, an
 * error log, a client program, the monitor's table — with no client or control request meanwhile:
 * `now` while something is in motion, null when nothing is due. Meaningful right after a step that
 * changed nothing but progress (a step that changed more is followed by another).
 */
export function nextChangeAt(lab: LabState, now: Date): number | null {
  const t = now.getTime();
  let due: number | null = null;
  const dueAt = (time: number): void => {
    if (time > t && (due === null || time < due)) due = time;
  };
  for (const instance of Object.values(lab.instances)) {
    // Handshakes judge certificate dates by the clock of the instance holding the certificate:
    // a link (partner or witness) can come or go when one starts or expires.
    const offset = lab.faults[instance.name]?.clockOffsetMs ?? 0;
    for (const certificate of Object.values(instance.databases.master?.certificates ?? {})) {
      dueAt(Date.parse(certificate.startDate) - offset);
      dueAt(Date.parse(certificate.expiryDate) - offset + 1);
    }
    if (!instanceUp(lab, instance)) continue; // frozen until a control request brings it back
    const job = instance.dbmMonitor?.job;
    if (job) {
      const run = Date.parse(job.lastRunAt ?? job.createdAt) + job.updatePeriodMinutes * 60_000;
      if (run <= t) return t;
      dueAt(run);
    }
    for (const database of Object.values(instance.databases)) {
      const m = database.mirroring;
      if (!m?.established) continue;
      if (m.state === 'SYNCHRONIZING' || m.state === 'PENDING_FAILOVER') return t;
      if (m.state === 'SYNCHRONIZED' && m.role === 'PRINCIPAL' && !keepsUp(lab, instance, database)) return t;
      // The witness-backed automatic failover of a mirror that lost its principal.
      if (m.state === 'DISCONNECTED' && m.role === 'MIRROR' && m.disconnectedSince) dueAt(Date.parse(m.disconnectedSince) + m.timeoutSeconds * 1000);
      // A principal whose log is not being sent starts a send queue with its next commit (queuedSince).
      if (m.role === 'PRINCIPAL' && m.state !== 'SYNCHRONIZED' && m.sendQueueKB === 0 && database.workloadTps > 0) return t;
    }
  }
  return due;
}

/** A SYNCHRONIZED principal stays so while the link ships, and the mirror redoes, its log faster
 * than the workload makes it — with room for a step's carried commit (and twice that to spare), so
 * that no step, short or long, finds it behind. */
function keepsUp(lab: LabState, instance: InstanceState, database: DatabaseState): boolean {
  const m = database.mirroring!;
  if (m.safety !== 'FULL' && !instance.behaviour.asyncReportsSynchronized) return false;
  const side = sideOf(instance, database)!;
  const mirror = partnerInstance(lab, side);
  if (!mirror) return false;
  const neededKBps = 2 * (database.workloadTps + 1000 / SHORTEST_STEP_MS) * LOG_KB_PER_TRANSACTION;
  const slowMs = Math.max(lab.faults[instance.name]?.slowMs ?? 0, lab.faults[mirror.name]?.slowMs ?? 0);
  return sendCapacityKBps(slowMs) >= neededKBps && REDO_KB_PER_SECOND >= neededKBps;
}
