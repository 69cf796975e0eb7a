// The Mirroring Monitor's tables: sample history, raised alarms, facts carried between polls.
import type Database from 'better-sqlite3';
import type { MonitorAlarmRecord, MonitorSampleRow, Store } from './types.js';

const SAMPLE_COLUMNS = [
  'pair',
  'at',
  'instance',
  'database_name',
  'reachable',
  'answer_ms',
  'role',
  'mirroring_state',
  'witness_state',
  'unsent_log_kb',
  'unrestored_log_kb',
  'send_rate_kbps',
  'restore_rate_kbps',
  'log_generation_rate_kbps',
  'oldest_unsent_minutes',
  'commit_overhead_ms',
  'catch_up_seconds',
] as const;

interface SampleDbRow {
  pair: string;
  at: string;
  instance: string;
  database_name: string | null;
  reachable: number;
  answer_ms: number | null;
  role: string | null;
  mirroring_state: string | null;
  witness_state: string | null;
  unsent_log_kb: number | null;
  unrestored_log_kb: number | null;
  send_rate_kbps: number | null;
  restore_rate_kbps: number | null;
  log_generation_rate_kbps: number | null;
  oldest_unsent_minutes: number | null;
  commit_overhead_ms: number | null;
  catch_up_seconds: number | null;
}

function toRow(r: SampleDbRow): MonitorSampleRow {
  return {
    pair: r.pair,
    at: r.at,
    instance: r.instance,
    database: r.database_name,
    reachable: r.reachable === 1,
    answerMs: r.answer_ms,
    role: r.role,
    mirroringState: r.mirroring_state,
    witnessState: r.witness_state,
    unsentLogKb: r.unsent_log_kb,
    unrestoredLogKb: r.unrestored_log_kb,
    sendRateKbps: r.send_rate_kbps,
    restoreRateKbps: r.restore_rate_kbps,
    logGenerationRateKbps: r.log_generation_rate_kbps,
    oldestUnsentMinutes: r.oldest_unsent_minutes,
    commitOverheadMs: r.commit_overhead_ms,
    catchUpSeconds: r.catch_up_seconds,
  };
}

export function createMonitorStore(db: Database.Database): Store['monitor'] {
  const insert = db.prepare(`INSERT INTO monitor_samples (${SAMPLE_COLUMNS.join(', ')}) VALUES (${SAMPLE_COLUMNS.map(() => '?').join(', ')})`);
  const addSamples = db.transaction((rows: MonitorSampleRow[]) => {
    for (const r of rows) {
      insert.run(
        r.pair,
        r.at,
        r.instance,
        r.database,
        r.reachable ? 1 : 0,
        r.answerMs,
        r.role,
        r.mirroringState,
        r.witnessState,
        r.unsentLogKb,
        r.unrestoredLogKb,
        r.sendRateKbps,
        r.restoreRateKbps,
        r.logGenerationRateKbps,
        r.oldestUnsentMinutes,
        r.commitOverheadMs,
        r.catchUpSeconds,
      );
    }
  });
  const prune = db.prepare('DELETE FROM monitor_samples WHERE pair = ? AND at < ?');
  const alarms = db.prepare('SELECT alarm FROM monitor_alarms WHERE pair = ? ORDER BY raised_at, key').pluck();
  const upsertAlarm = db.prepare(`INSERT INTO monitor_alarms (pair, key, severity, raised_at, alarm) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (pair, key) DO UPDATE SET severity = excluded.severity, alarm = excluded.alarm`);
  const deleteAlarm = db.prepare('DELETE FROM monitor_alarms WHERE pair = ? AND key = ?');
  const fact = db.prepare('SELECT value FROM monitor_facts WHERE pair = ? AND name = ?').pluck();
  const setFact = db.prepare('INSERT INTO monitor_facts (pair, name, value) VALUES (?, ?, ?) ON CONFLICT (pair, name) DO UPDATE SET value = excluded.value');
  return {
    addSamples: (rows) => addSamples.immediate(rows),
    samples({ pair, since, database }) {
      const where = ['pair = ?'];
      const args: unknown[] = [pair];
      if (since) where.push('at >= ?'), args.push(since);
      if (database) where.push('(database_name IS NULL OR lower(database_name) = lower(?))'), args.push(database);
      return (
        db.prepare(`SELECT ${SAMPLE_COLUMNS.join(', ')} FROM monitor_samples WHERE ${where.join(' AND ')} ORDER BY at, id`).all(...args) as SampleDbRow[]
      ).map(toRow);
    },
    prune: (pair, before) => prune.run(pair, before).changes,
    alarms: (pair) => (alarms.all(pair) as string[]).map((a) => JSON.parse(a) as MonitorAlarmRecord),
    saveAlarm: (pair, alarm) => void upsertAlarm.run(pair, alarm.key, alarm.severity, alarm.raisedAt, JSON.stringify(alarm)),
    deleteAlarm: (pair, key) => void deleteAlarm.run(pair, key),
    fact: (pair, name) => {
      const value = fact.get(pair, name) as string | undefined;
      return value === undefined ? undefined : (JSON.parse(value) as unknown);
    },
    setFact: (pair, name, value) => void setFact.run(pair, name, JSON.stringify(value)),
  };
}
