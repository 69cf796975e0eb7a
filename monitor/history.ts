// `monitor history`: the samples the monitor kept, as a table with a sparkline per figure (terminal),
// NDJSON (--json) or CSV (--csv). Figures sit on the side sp_dbmmonitorresults reports them on.
import type { MonitorSampleRow } from '../store/types.js';
import { sparkline } from './sparkline.js';

export const HISTORY_FIGURES = [
  ['unsentLogKb', 'unsent log KB'],
  ['unrestoredLogKb', 'unrestored log KB'],
  ['sendRateKbps', 'send rate KB/s'],
  ['restoreRateKbps', 'restore rate KB/s'],
  ['logGenerationRateKbps', 'log generation KB/s'],
  ['oldestUnsentMinutes', 'oldest unsent min'],
  ['commitOverheadMs', 'commit overhead ms'],
  ['catchUpSeconds', 'catch up s'],
  ['answerMs', 'answer ms'],
] as const satisfies readonly (readonly [keyof MonitorSampleRow, string])[];

/** `--since`: 90s, 30m, 2h, 7d, or an ISO date/time. */
export function parseSince(text: string, now = new Date()): string | undefined {
  const relative = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  if (relative) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit).toISOString();
  }
  const at = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(at) ? new Date(at).toISOString() : undefined;
}

const CSV_COLUMNS = ['at', 'instance', 'database', 'reachable', 'answerMs', 'role', 'mirroringState', 'witnessState', 'unsentLogKb', 'unrestoredLogKb', 'sendRateKbps', 'restoreRateKbps', 'logGenerationRateKbps', 'oldestUnsentMinutes', 'commitOverheadMs', 'catchUpSeconds'] as const;

export function historyCsv(rows: MonitorSampleRow[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

const fmt = (v: number | null) => (v === null ? '—' : String(Math.round(v * 100) / 100));

export function historyText(rows: MonitorSampleRow[], limit: number): string {
  if (rows.length === 0) return 'no samples in that range (is `mirrorbook monitor` running with this store?)\n';
  const lines: string[] = [`${rows[0]!.at} … ${rows.at(-1)!.at}: ${new Set(rows.map((r) => r.at)).size} polls`, ''];
  const databases = [...new Set(rows.filter((r) => r.database).map((r) => r.database!))];
  for (const database of databases) {
    lines.push(`${database}`);
    const mine = rows.filter((r) => r.database === database);
    for (const [field, label] of HISTORY_FIGURES) {
      if (field === 'answerMs') continue;
      const values = mine.map((r) => r[field]).filter((v): v is number => v !== null);
      if (values.length === 0) continue;
      lines.push(`  ${label.padEnd(20)} ${sparkline(values)}  last ${fmt(values.at(-1)!)} max ${fmt(Math.max(...values))}`);
    }
  }
  for (const instance of [...new Set(rows.filter((r) => !r.database).map((r) => r.instance))]) {
    const mine = rows.filter((r) => !r.database && r.instance === instance);
    const answers = mine.map((r) => r.answerMs).filter((v): v is number => v !== null);
    const down = mine.filter((r) => !r.reachable).length;
    lines.push(`${instance}  answer ms ${sparkline(answers)}  last ${fmt(answers.at(-1) ?? null)}${down ? `  unreachable in ${down} of ${mine.length} polls` : ''}`);
  }
  const table = rows.filter((r) => r.database).slice(-limit);
  lines.push('', `${'at'.padEnd(24)} ${'database'.padEnd(16)} ${'instance'.padEnd(12)} ${'role'.padEnd(9)} ${'state'.padEnd(14)} ${'unsent'.padStart(8)} ${'unrest.'.padStart(8)} ${'send/s'.padStart(8)} ${'redo/s'.padStart(8)} ${'oldest'.padStart(7)} ${'ovh ms'.padStart(7)}`);
  for (const r of table) {
    lines.push(`${r.at.padEnd(24)} ${r.database!.padEnd(16)} ${r.instance.padEnd(12)} ${(r.role ?? '—').padEnd(9)} ${(r.mirroringState ?? '—').padEnd(14)} ${fmt(r.unsentLogKb).padStart(8)} ${fmt(r.unrestoredLogKb).padStart(8)} ${fmt(r.sendRateKbps).padStart(8)} ${fmt(r.restoreRateKbps).padStart(8)} ${fmt(r.oldestUnsentMinutes).padStart(7)} ${fmt(r.commitOverheadMs).padStart(7)}`);
  }
  return lines.join('\n') + '\n';
}
