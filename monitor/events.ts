// What the monitor tells its channels: an alarm raised, changed (worse, or the advice no longer
// fits) or cleared, or a notice of something that happened once (a role change).
import type { RoleLine } from './roles.js';

export type EventType = 'raised' | 'changed' | 'cleared' | 'notice';

export interface MonitorEvent {
  type: EventType;
  key: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  at: string;
  pair: string;
  message: string;
  advice: string;
  database?: string;
  instance?: string;
  value?: number;
  threshold?: number;
  /** When the alarm was first raised (cleared and changed events). */
  raisedAt?: string;
  /** Every server's role now, read from the servers. */
  roles: RoleLine[];
}

/** Exit codes of `monitor --once` (documented in --help). */
export const MONITOR_EXIT = { healthy: 0, warning: 10, critical: 11, unreachable: 12 } as const;

export function eventLine(e: MonitorEvent): string {
  const tag = e.type === 'cleared' ? 'CLEAR' : e.type === 'notice' ? 'NOTE ' : e.severity === 'critical' ? 'CRIT ' : 'WARN ';
  const changed = e.type === 'changed' ? ' (changed)' : '';
  return `${e.at} ${tag} ${e.message}${changed}${e.type === 'cleared' ? '' : `\n${' '.repeat(e.at.length + 7)}→ ${e.advice}`}`;
}
