// The progress registry: long-running BACKUP/RESTORE requests in flight, by instance, so that
// sys.dm_exec_requests on another connection sees percent_complete move. In-memory only — a
// request does not outlive the lab process that runs it.

import type { ExecEnv } from '../server/env.js';

export type RequestCommand = 'BACKUP DATABASE' | 'BACKUP LOG' | 'RESTORE DATABASE' | 'RESTORE LOG';

export interface ActiveRequest {
  sessionId: number;
  command: RequestCommand;
  databaseId: number;
  databaseName: string;
  percentComplete: number;
  startTime: Date;
  /** Milliseconds still to go, as SQL Server estimates it. */
  estimatedCompletionTime: number;
}

const active = new Map<string, Set<ActiveRequest>>();

export function listActiveRequests(instanceName: string): ActiveRequest[] {
  return [...(active.get(instanceName.toUpperCase()) ?? [])].map((r) => ({ ...r }));
}

export interface TimedWork {
  command: RequestCommand;
  databaseId: number;
  databaseName: string;
  totalMs: number;
  /** STATS = n: an INFO "n percent processed." every n percent; undefined = silent. */
  stats?: number;
}

/** Runs `totalMs` of simulated work in steps, publishing progress; rejects (and unregisters) when
 * the statement is cancelled. Nothing is changed in the lab state here — callers commit after. */
export async function runTimedWork(env: ExecEnv, work: TimedWork): Promise<void> {
  const key = env.instance.name.toUpperCase();
  const request: ActiveRequest = {
    sessionId: env.session.spid,
    command: work.command,
    databaseId: work.databaseId,
    databaseName: work.databaseName,
    percentComplete: 0,
    startTime: env.now(),
    estimatedCompletionTime: work.totalMs,
  };
  const set = active.get(key) ?? new Set<ActiveRequest>();
  active.set(key, set);
  set.add(request);
  const step = Math.max(1, Math.min(100, Math.floor(work.stats ?? 10)));
  try {
    for (let done = step; ; done = Math.min(100, done + step)) {
      const from = request.percentComplete;
      await env.work((work.totalMs * (done - from)) / 100);
      request.percentComplete = done;
      request.estimatedCompletionTime = Math.round((work.totalMs * (100 - done)) / 100);
      if (work.stats !== undefined) env.info(3211, `${done} percent processed.`);
      if (done >= 100) break;
    }
  } finally {
    set.delete(request);
    if (set.size === 0) active.delete(key);
  }
}
