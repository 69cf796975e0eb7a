// The live TDS sessions of each instance, for sys.dm_exec_sessions / dm_exec_requests and for
// statements that must know who else is connected (RESTORE's exclusive access, DROP LOGIN).

import type { LiveSession } from '../catalog/context.js';

const byInstance = new Map<string, Map<number, LiveSession>>();

function sessionsOf(instanceName: string): Map<number, LiveSession> {
  const key = instanceName.toUpperCase();
  let sessions = byInstance.get(key);
  if (!sessions) byInstance.set(key, (sessions = new Map()));
  return sessions;
}

export function addSession(instanceName: string, session: LiveSession): void {
  sessionsOf(instanceName).set(session.info.spid, session);
}

export function removeSession(instanceName: string, spid: number): void {
  sessionsOf(instanceName).delete(spid);
}

export function findSession(instanceName: string, spid: number): LiveSession | undefined {
  return sessionsOf(instanceName).get(spid);
}

export function liveSessions(instanceName: string): LiveSession[] {
  return [...sessionsOf(instanceName).values()];
}

/** Spids of live sessions, other than `exceptSpid`, whose current database is `database`. */
export function liveSessionsUsing(instanceName: string, database: string, exceptSpid: number): number[] {
  return liveSessions(instanceName)
    .filter((s) => s.info.spid !== exceptSpid && s.info.database.toLowerCase() === database.toLowerCase())
    .map((s) => s.info.spid);
}
