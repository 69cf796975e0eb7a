// The summary `npm run bench` prints at the end: each bench appends its headline figures, one JSON
// line each, to the file named by BENCH_SUMMARY (set by bench/run.ts); run on its own, a bench's
// own output is its report.

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fmt, type Spread } from './stats.js';

export interface SummaryRow {
  bench: string;
  measure: string;
  unit: string;
  median: number;
  low: number;
  high: number;
  kind: Spread['kind'] | 'single';
  n: number;
  /** 1-minute load average when the figure was taken. */
  load: number;
  note?: string;
}

/** `s` is a spread, or one number for a figure measured once. */
export function report(bench: string, measure: string, s: Spread | number, unit: string, note?: string): void {
  const figure = typeof s === 'number' ? { median: s, low: s, high: s, kind: 'single' as const, n: 1 } : s;
  const row: SummaryRow = { bench, measure, unit, ...figure, load: loadavg()[0]!, ...(note ? { note } : {}) };
  const file = process.env.BENCH_SUMMARY;
  if (file) appendFileSync(file, JSON.stringify(row) + '\n');
}

export function readSummary(file: string): SummaryRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SummaryRow);
}

export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = ['bench', 'measure', 'median', 'spread', 'n', 'load', 'note'];
  const cells = rows.map((r) => [
    r.bench,
    r.measure,
    `${fmt(r.median)} ${r.unit}`,
    r.kind === 'single' ? '' : `${r.kind} ${fmt(r.low)}–${fmt(r.high)}`,
    String(r.n),
    r.load.toFixed(1),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
