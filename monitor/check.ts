// monitor --check: a Nagios/Icinga plugin. One line "MIRRORING <STATE> - summary | perfdata" and
// the plugin exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the check itself could not run).
// Perfdata follows the plugin guidelines: 'label'=value[UOM];warn;crit.
import type { MonitorThresholds } from '../config/types.js';
import type { Condition } from './conditions.js';
import type { DatabaseFigures } from './figures.js';
import type { PairSample } from './sample.js';

export const CHECK_EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

const PERF: [keyof DatabaseFigures & keyof MonitorThresholds | 'sendRateKbps' | 'restoreRateKbps', string, string][] = [
  ['unsentLogKb', 'unsent_log', 'KB'],
  ['unrestoredLogKb', 'unrestored_log', 'KB'],
  ['oldestUnsentMinutes', 'oldest_unsent_min', ''],
  ['commitOverheadMs', 'commit_overhead', 'ms'],
  ['catchUpSeconds', 'catch_up', 's'],
  ['sendRateKbps', 'send_rate_kbps', ''],
  ['restoreRateKbps', 'restore_rate_kbps', ''],
];

export function checkResult(sample: PairSample, figures: DatabaseFigures[], conditions: Condition[], thresholds: MonitorThresholds): { line: string; code: number } {
  const critical = conditions.filter((c) => c.severity === 'critical');
  const warning = conditions.filter((c) => c.severity === 'warning');
  const allDown = sample.servers.every((s) => !s.reachable);
  const state = critical.length > 0 || allDown ? 'CRITICAL' : warning.length > 0 ? 'WARNING' : 'OK';
  const summary = state === 'OK'
    ? `${figures.map((f) => `${f.database} ${f.principal ?? '?'}→${f.mirror ?? '?'}`).join(', ')} healthy`
    : [...critical, ...warning].map((c) => c.message).join('; ');
  const perf: string[] = [];
  for (const f of figures) {
    for (const [field, label, uom] of PERF) {
      const value = f[field];
      if (typeof value !== 'number') continue;
      const limit = field in thresholds ? thresholds[field as keyof MonitorThresholds] : 0;
      perf.push(`'${f.database}_${label}'=${value}${uom}${limit ? `;${limit}` : ''}`);
    }
  }
  for (const s of sample.servers) if (s.answerMs !== null) perf.push(`'${s.instance}_answer'=${s.answerMs}ms`);
  const oneLine = summary.replace(/[\r\n|]+/g, ' ');
  return { line: `MIRRORING ${state} - ${oneLine}${perf.length ? ` | ${perf.join(' ')}` : ''}`, code: CHECK_EXIT[state.toLowerCase() as 'ok' | 'warning' | 'critical'] };
}
