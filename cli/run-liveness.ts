// What a run's recorded status means now. A run is recorded as running until its process writes
// its end; a process killed (SIGKILL, a crash, a reboot) never does, so `runs` and `show` look at
// the lock the run holds: its process gone (provable on this host only) means interrupted.

import type { LockInfo, RunRecord, Store } from '../store/types.js';

export interface Liveness {
  status: RunRecord['status'];
  /** How it ended or who holds it, when known. */
  how?: string;
}

const SIGNALS: Record<number, string> = { 130: 'by Ctrl-C (SIGINT)', 143: 'by SIGTERM' };

export function liveness(run: RunRecord, lock: (LockInfo & { stale: boolean }) | undefined, host: string): Liveness {
  if (run.status !== 'running') {
    const how = run.status === 'interrupted' && run.exitCode !== null ? SIGNALS[run.exitCode] : undefined;
    return { status: run.status, ...(how ? { how } : {}) };
  }
  const held = lock?.runId === run.id ? lock : undefined;
  if (held && !held.stale)
    return { status: 'running', how: held.host === host ? `by process ${held.pid}` : `by process ${held.pid} on ${held.host} (cannot be checked from here)` };
  const gone = held ? `process ${held.pid} on ${held.host}` : `its process`;
  return { status: 'interrupted', how: `${gone} ended without recording an end (killed, crashed or the host restarted)` };
}

export function livenessIn(store: Store, run: RunRecord, host: string): Liveness {
  return liveness(run, store.locks.get(run.pairKey), host);
}
