// What the monitor raises, from one status sample and the one before (the pure part of monitor,
// like the seed's Mirroring Monitor task). Severity decides the exit code of `monitor --once`.
import type { PairStatus } from './pair-status.js';

export type Severity = 'warning' | 'critical';

export interface Alarm {
  /** Stable key so a continuing monitor reports raise/clear once each. */
  key: string;
  severity: Severity;
  message: string;
}

/** Exit codes of `mirrorbook monitor --once` (and of a monitor that stops): documented in --help. */
export const MONITOR_EXIT = { healthy: 0, warning: 10, critical: 11, unreachable: 12 } as const;

export function alarmsOf(status: PairStatus, previous?: PairStatus): Alarm[] {
  const alarms: Alarm[] = [];
  for (const p of status.partners) {
    if (!p.reachable) {
      alarms.push({ key: `unreachable:${p.instance}`, severity: p.role === 'witness' ? 'warning' : 'critical', message: `${p.instance} (${p.role}) is unreachable: ${p.error ?? 'no answer'}` });
      continue;
    }
    for (const d of p.databases) {
      const where = `${d.name} on ${p.instance}`;
      if (!d.role) {
        if (p.role === 'principal' || p.role === 'mirror') alarms.push({ key: `not-mirrored:${p.instance}:${d.name}`, severity: 'critical', message: `${where} is not mirrored (${d.state})` });
        continue;
      }
      if (d.mirroringState === 'SUSPENDED') alarms.push({ key: `suspended:${d.name}:${p.instance}`, severity: 'critical', message: `${where}: session SUSPENDED — the principal runs exposed and its log cannot be truncated` });
      else if (d.mirroringState === 'DISCONNECTED') alarms.push({ key: `lost-partner:${d.name}:${p.instance}`, severity: 'critical', message: `${where}: partner lost (DISCONNECTED) — ${d.role === 'PRINCIPAL' ? 'the principal runs exposed' : 'the principal is gone; promote if it will not come back'}` });
      else if (d.mirroringState === 'SYNCHRONIZING') alarms.push({ key: `synchronizing:${d.name}:${p.instance}`, severity: 'warning', message: `${where}: SYNCHRONIZING — the mirror is behind` });
      if (d.witness && d.witnessState !== 'CONNECTED') alarms.push({ key: `witness:${d.name}:${p.instance}`, severity: 'warning', message: `${where}: witness ${d.witness} is ${d.witnessState ?? 'UNKNOWN'} — no automatic failover` });
      const before = previous?.partners.find((x) => x.instance === p.instance)?.databases.find((x) => x.name === d.name);
      for (const [label, now, then] of [
        ['send queue', d.sendQueueKb, before?.sendQueueKb],
        ['redo queue', d.redoQueueKb, before?.redoQueueKb],
      ] as const) {
        if (now !== null && then !== null && then !== undefined && now > then && now > 0) {
          alarms.push({ key: `queue:${label}:${d.name}:${p.instance}`, severity: 'warning', message: `${where}: ${label} growing (${then} → ${now} KB)` });
        }
      }
    }
  }
  return alarms;
}

export function exitCodeOf(status: PairStatus, alarms: Alarm[]): number {
  if (status.partners.every((p) => !p.reachable)) return MONITOR_EXIT.unreachable;
  if (alarms.some((a) => a.severity === 'critical')) return MONITOR_EXIT.critical;
  if (alarms.length > 0) return MONITOR_EXIT.warning;
  return MONITOR_EXIT.healthy;
}
