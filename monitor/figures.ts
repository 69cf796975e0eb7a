// The figures SSMS's Database Mirroring Monitor shows, per database, from two polls: the queues as
// the servers report them, and the rates the cumulative counters give over the time between polls
// (a rate needs the same server in the same role in both). Column meanings follow
// sp_dbmmonitorresults: unsent log and send rate on the principal, unrestored log and recovery
// (redo) rate on the mirror, average delay per transaction = mirror commit overhead.
import type { DatabaseSample, PairSample, ServerSample } from './sample.js';

export interface DatabaseFigures {
  database: string;
  principal: string | null;
  mirror: string | null;
  unsentLogKb: number | null;
  unrestoredLogKb: number | null;
  sendRateKbps: number | null;
  restoreRateKbps: number | null;
  logGenerationRateKbps: number | null;
  oldestUnsentMinutes: number | null;
  commitOverheadMs: number | null;
  /** Estimated seconds for the mirror to send and redo what it is behind; null while nothing moves. */
  catchUpSeconds: number | null;
}

/** What figures need to remember across polls: when each database's send queue was last empty. */
export type FiguresMemory = Map<string, string>;

interface View {
  server: ServerSample;
  database: DatabaseSample;
}

export function viewOf(sample: PairSample, database: string, role: 'PRINCIPAL' | 'MIRROR'): View | undefined {
  for (const server of sample.servers) {
    if (!server.reachable) continue;
    const d = server.databases.find((x) => x.name.toLowerCase() === database.toLowerCase());
    if (d?.role === role) return { server, database: d };
  }
  return undefined;
}

function rate(now: View | undefined, before: View | undefined, field: 'bytesSent' | 'bytesRedone', seconds: number): number | null {
  if (!now || !before || now.server.instance !== before.server.instance || seconds <= 0) return null;
  const a = now.database[field];
  const b = before.database[field];
  if (a === null || b === null || a < b) return null;
  return round((a - b) / 1024 / seconds);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export function figuresOf(sample: PairSample, previous: PairSample | undefined, databases: string[], memory: FiguresMemory): DatabaseFigures[] {
  const seconds = previous ? (Date.parse(sample.at) - Date.parse(previous.at)) / 1000 : 0;
  return databases.map((name) => {
    const p = viewOf(sample, name, 'PRINCIPAL');
    const m = viewOf(sample, name, 'MIRROR');
    const pBefore = previous && viewOf(previous, name, 'PRINCIPAL');
    const mBefore = previous && viewOf(previous, name, 'MIRROR');
    const unsent = p?.database.sendQueueKb ?? null;
    const unrestored = m?.database.redoQueueKb ?? null;
    const sendRate = rate(p, pBefore, 'bytesSent', seconds);
    const restoreRate = rate(m, mBefore, 'bytesRedone', seconds);
    const unsentBefore = pBefore?.server.instance === p?.server.instance ? pBefore?.database.sendQueueKb ?? null : null;
    const generation = sendRate !== null && unsent !== null && unsentBefore !== null ? round(Math.max(0, sendRate + (unsent - unsentBefore) / seconds)) : null;
    if (unsent === 0 || !memory.has(name)) memory.set(name, sample.at);
    const queuedForMinutes = (Date.parse(sample.at) - Date.parse(memory.get(name)!)) / 60_000;
    // Minutes worth of transactions in the send queue at the rate log is generated, never more
    // than the queue has been non-empty (with no workload the queue's age is all there is).
    const oldest = unsent === null ? null : unsent === 0 ? 0 : round(generation && generation > 0 ? Math.min(unsent / generation / 60, queuedForMinutes) : queuedForMinutes);
    let overhead: number | null = null;
    if (p && pBefore && p.server.instance === pBefore.server.instance) {
      const tx = (p.database.mirroredTransactions ?? 0) - (pBefore.database.mirroredTransactions ?? 0);
      const delay = (p.database.transactionDelayMs ?? 0) - (pBefore.database.transactionDelayMs ?? 0);
      if (tx > 0 && delay >= 0) overhead = round(delay / tx);
      else if (tx === 0 && p.database.mirroredTransactions !== null) overhead = 0;
    }
    const part = (queue: number | null, speed: number | null): number | null => (queue === null ? 0 : queue === 0 ? 0 : speed && speed > 0 ? queue / speed : null);
    const sendPart = part(unsent, sendRate);
    const redoPart = part(unrestored, restoreRate);
    const catchUp = sendPart === null || redoPart === null ? null : round(sendPart + redoPart);
    return {
      database: name,
      principal: p?.server.instance ?? null,
      mirror: m?.server.instance ?? null,
      unsentLogKb: unsent,
      unrestoredLogKb: unrestored,
      sendRateKbps: sendRate,
      restoreRateKbps: restoreRate,
      logGenerationRateKbps: generation,
      oldestUnsentMinutes: oldest,
      commitOverheadMs: overhead,
      catchUpSeconds: catchUp,
    };
  });
}
