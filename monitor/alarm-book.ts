// Raised alarms, with hysteresis: a condition is raised the first poll it is seen (detection within
// one poll) and cleared only after `clearAfterPolls` polls in a row without it, so a flapping link
// raises one alarm, not one per flap. The book is persisted after every change: a restarted monitor
// neither raises again what it had raised nor forgets to clear it.
import type { MonitorAlarmRecord } from '../store/types.js';
import type { Condition, Severity } from './conditions.js';
import type { MonitorEvent } from './events.js';
import type { RoleLine } from './roles.js';

export interface RaisedAlarm extends MonitorAlarmRecord {
  kind: string;
  severity: Severity;
  /** The worst severity while raised: only a worse one is announced again. */
  peak: Severity;
  message: string;
  advice: string;
  situation?: string;
  database?: string;
  instance?: string;
  /** Polls in a row without the condition. */
  absent: number;
}

export interface AlarmPersistence {
  save(alarm: RaisedAlarm): void;
  remove(key: string): void;
}

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

export class AlarmBook {
  readonly #alarms = new Map<string, RaisedAlarm>();

  constructor(restored: RaisedAlarm[], private readonly clearAfterPolls: number, private readonly persist: AlarmPersistence, private readonly pair: string) {
    for (const a of restored) this.#alarms.set(a.key, a);
  }

  get raised(): RaisedAlarm[] {
    return [...this.#alarms.values()];
  }

  keys(): ReadonlySet<string> {
    return new Set(this.#alarms.keys());
  }

  update(conditions: Condition[], at: string, roles: RoleLine[]): MonitorEvent[] {
    const events: MonitorEvent[] = [];
    const seen = new Set<string>();
    const event = (type: MonitorEvent['type'], a: RaisedAlarm | Condition, extra: Partial<MonitorEvent> = {}): MonitorEvent => ({
      type, key: a.key, kind: a.kind, severity: a.severity, at, pair: this.pair, message: a.message, advice: a.advice,
      ...(a.database ? { database: a.database } : {}), ...(a.instance ? { instance: a.instance } : {}),
      ...('value' in a && typeof a.value === 'number' ? { value: a.value } : {}), ...('threshold' in a && typeof a.threshold === 'number' ? { threshold: a.threshold } : {}),
      roles, ...extra,
    });
    for (const c of conditions) {
      if (seen.has(c.key)) continue;
      seen.add(c.key);
      const known = this.#alarms.get(c.key);
      if (!known) {
        const alarm: RaisedAlarm = { key: c.key, kind: c.kind, severity: c.severity, peak: c.severity, raisedAt: at, message: c.message, advice: c.advice, absent: 0, ...(c.situation ? { situation: c.situation } : {}), ...(c.database ? { database: c.database } : {}), ...(c.instance ? { instance: c.instance } : {}) };
        this.#alarms.set(c.key, alarm);
        this.persist.save(alarm);
        events.push(event('raised', c));
        continue;
      }
      const worse = RANK[c.severity] > RANK[known.peak];
      const newSituation = c.situation !== undefined && c.situation !== known.situation;
      const wasAbsent = known.absent > 0;
      Object.assign(known, { severity: c.severity, message: c.message, advice: c.advice, absent: 0, peak: worse ? c.severity : known.peak, ...(c.situation ? { situation: c.situation } : {}) });
      if (worse || newSituation) {
        this.persist.save(known);
        events.push(event('changed', c, { raisedAt: known.raisedAt }));
      } else if (wasAbsent) this.persist.save(known);
    }
    for (const alarm of this.#alarms.values()) {
      if (seen.has(alarm.key)) continue;
      alarm.absent += 1;
      if (alarm.absent < this.clearAfterPolls) {
        this.persist.save(alarm);
        continue;
      }
      this.#alarms.delete(alarm.key);
      this.persist.remove(alarm.key);
      events.push(event('cleared', alarm, { raisedAt: alarm.raisedAt }));
    }
    return events;
  }
}
