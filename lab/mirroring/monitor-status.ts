// msdb's database mirroring monitor, as documented on learn.microsoft.com:
// - sp_dbmmonitorupdate [database]: inserts a row per mirrored database (or the one named) into the
//   status table and truncates rows older than the retention period (168 hours); rates are
//   averages since the last update; a column that does not apply to the partner's role is NULL.
// - sp_dbmmonitorresults database, rows_to_return (0 last row, 1–5 last 2/4/8/24/48 hours, 6–9 last
//   100/500/1,000/1,000,000 rows), update_status (1: sp_dbmmonitorupdate first, unless the table
//   was updated within the previous 15 seconds or the caller is not sysadmin). time_behind is the
//   principal's clock time the mirror is caught up to; time_recorded the principal's clock.
// - sp_dbmmonitoraddmonitoring [update_period = 1] (minutes, 1–120): creates the "Database Mirroring
//   Monitor Job" SQL Server Agent job, which runs sp_dbmmonitorupdate every update_period;
//   sp_dbmmonitorchangemonitoring 1, minutes changes it; sp_dbmmonitordropmonitoring drops it.
// The row order of sp_dbmmonitorresults is not documented: the lab returns the newest first, as
// SSMS's history lists them.

import type { DatabaseState, DbmMonitor, DbmMonitorRow, InstanceState } from '../model.js';
import { newGuid } from '../instance/principals.js';
import { LOG_KB_PER_TRANSACTION, logKB } from '../storage/log.js';

export const MONITOR_JOB_NAME = 'Database Mirroring Monitor Job';
const RETENTION_MS = 168 * 3_600_000;
const FRESH_MS = 15_000;
const STATE_CODES = { SUSPENDED: 0, DISCONNECTED: 1, SYNCHRONIZING: 2, PENDING_FAILOVER: 3, SYNCHRONIZED: 4 } as const;
const HOURS = [2, 4, 8, 24, 48];
const LAST_ROWS = [100, 500, 1000, 1_000_000];

function monitorOf(instance: InstanceState): DbmMonitor {
  return (instance.dbmMonitor ??= { job: null, rows: [] });
}

export function addMonitoring(instance: InstanceState, updatePeriodMinutes: number, now: Date): void {
  const monitor = monitorOf(instance);
  // A second call leaves the job as it is (changing it is sp_dbmmonitorchangemonitoring's part).
  monitor.job ??= { jobId: newGuid(), updatePeriodMinutes, createdAt: now.toISOString(), lastRunAt: null };
}

export function changeMonitoring(instance: InstanceState, updatePeriodMinutes: number): void {
  const job = instance.dbmMonitor?.job;
  if (job) job.updatePeriodMinutes = updatePeriodMinutes;
}

export function dropMonitoring(instance: InstanceState): void {
  if (instance.dbmMonitor) instance.dbmMonitor.job = null;
}

/** The Agent job's runs: every update period from its creation, on an instance that is up (no job
 * exists on Express: sp_dbmmonitoraddmonitoring refuses there, 14258). */
export function runMonitorJob(instance: InstanceState, now: Date): void {
  const job = instance.dbmMonitor?.job;
  if (!job) return;
  const due = Date.parse(job.lastRunAt ?? job.createdAt) + job.updatePeriodMinutes * 60_000;
  if (now.getTime() < due) return;
  job.lastRunAt = now.toISOString();
  updateStatus(instance, null, now);
}

const mirrored = (instance: InstanceState) => Object.values(instance.databases).filter((d) => d.mirroring?.established);

export function updateStatus(instance: InstanceState, databaseName: string | null, now: Date): void {
  const monitor = monitorOf(instance);
  const targets = mirrored(instance).filter((d) => databaseName === null || d.name.toLowerCase() === databaseName.toLowerCase());
  for (const database of targets) {
    const previous = lastRow(monitor.rows, database.name);
    monitor.rows.push(rowOf(database, previous, now));
  }
  const oldest = now.getTime() - RETENTION_MS;
  monitor.rows = monitor.rows.filter((r) => Date.parse(r.timeRecorded) >= oldest);
}

/** When the table was last updated for the database (sp_dbmmonitorresults' 15-second rule). */
export function updatedWithin(instance: InstanceState, databaseName: string, now: Date): boolean {
  const last = lastRow(instance.dbmMonitor?.rows ?? [], databaseName);
  return last !== undefined && now.getTime() - Date.parse(last.timeRecorded) < FRESH_MS;
}

function lastRow(rows: DbmMonitorRow[], databaseName: string): DbmMonitorRow | undefined {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.database.toLowerCase() === databaseName.toLowerCase()) return rows[i];
  return undefined;
}

function rowOf(database: DatabaseState, previous: DbmMonitorRow | undefined, now: Date): DbmMonitorRow {
  const m = database.mirroring!;
  const c = m.counters ?? { bytesSent: 0, bytesRedone: 0, transactionDelayMs: 0, mirroredTransactions: 0 };
  const principal = m.role === 'PRINCIPAL';
  const at = {
    endLsn: database.log.endLsn,
    bytesSent: c.bytesSent,
    bytesRedone: c.bytesRedone,
    transactionDelayMs: c.transactionDelayMs,
    mirroredTransactions: c.mirroredTransactions,
  };
  // Rates since the preceding row, when it was taken in the same role (else unavailable: NULL).
  const before = previous && previous.role === (principal ? 1 : 2) ? previous : undefined;
  const seconds = before ? (now.getTime() - Date.parse(before.timeRecorded)) / 1000 : 0;
  const per = (delta: number) => (before && seconds > 0 ? Math.round(delta / seconds) : null);
  const transactions = before ? at.mirroredTransactions - before.at.mirroredTransactions : 0;
  const delay = before ? at.transactionDelayMs - before.at.transactionDelayMs : 0;
  const witness = m.witnessName ? (m.witnessState === 'CONNECTED' ? 1 : m.witnessState === 'DISCONNECTED' ? 2 : 0) : 0;
  return {
    database: database.name,
    role: principal ? 1 : 2,
    mirroringState: STATE_CODES[m.state],
    witnessStatus: witness,
    logGenerationRate: principal ? per(logKB(before?.at.endLsn ?? at.endLsn, at.endLsn)) : null,
    unsentLog: principal ? m.sendQueueKB : null,
    sendRate: principal ? per((at.bytesSent - (before?.at.bytesSent ?? 0)) / 1024) : null,
    unrestoredLog: principal ? null : m.redoQueueKB,
    recoveryRate: principal ? null : per((at.bytesRedone - (before?.at.bytesRedone ?? 0)) / 1024),
    transactionDelay: principal && before ? delay : null,
    transactionsPerSec: principal ? per(transactions) : null,
    averageDelay: principal && before ? (transactions > 0 ? Math.round(delay / transactions) : 0) : null,
    timeRecorded: now.toISOString(),
    timeBehind: principal ? timeBehind(database, now).toISOString() : null,
    localTime: now.toISOString(),
    at,
  };
}

/** The principal's clock time the mirror has all the log of: now with an empty send queue; else the
 * queue's worth of the current workload ago, never before the queue last was empty. */
export function timeBehind(database: DatabaseState, now: Date): Date {
  const m = database.mirroring!;
  if (m.sendQueueKB === 0 || !m.queuedSince) return now;
  const generationKBps = database.workloadTps * LOG_KB_PER_TRANSACTION;
  const since = Date.parse(m.queuedSince);
  const estimate = generationKBps > 0 ? now.getTime() - (m.sendQueueKB / generationKBps) * 1000 : since;
  return new Date(Math.min(now.getTime(), Math.max(since, estimate)));
}

/** Keeps the principal's queuedSince: set when its send queue stops being empty, cleared when it
 * empties — written only on those transitions. `previous` is the lab time of the step before. */
export function noteSendQueue(database: DatabaseState, previous: Date): void {
  const m = database.mirroring;
  if (!m || m.role !== 'PRINCIPAL') return;
  if (m.sendQueueKB === 0) {
    if (m.queuedSince) m.queuedSince = null;
  } else if (!m.queuedSince) {
    m.queuedSince = previous.toISOString();
  }
}

/** Rows of sp_dbmmonitorresults for rows_to_return, newest first. */
export function resultRows(instance: InstanceState, databaseName: string, rowsToReturn: number, now: Date): DbmMonitorRow[] {
  const mine = (instance.dbmMonitor?.rows ?? []).filter((r) => r.database.toLowerCase() === databaseName.toLowerCase()).reverse();
  if (rowsToReturn <= 0) return mine.slice(0, 1);
  const hours = HOURS[rowsToReturn - 1];
  if (hours !== undefined) return mine.filter((r) => Date.parse(r.timeRecorded) >= now.getTime() - hours * 3_600_000);
  return mine.slice(0, LAST_ROWS[rowsToReturn - 6] ?? LAST_ROWS.at(-1));
}
