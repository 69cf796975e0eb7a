// The Mirroring Monitor as a service: poll every interval (measured from the start of the last
// poll), turn each sample into figures, conditions and events, keep the history and the raised
// alarms in the store, hand events to the channels. Nothing from one poll is kept but the sample
// before it, so memory stays flat however long it runs. A lost server is just a sample that says
// so; the connection is rebuilt on the next poll.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MirrorbookConfig } from '../config/types.js';
import { pairName } from '../config/types.js';
import { PairConnections } from '../steps/connection.js';
import type { MonitorSampleRow, Store } from '../store/types.js';
import { AlarmBook, type RaisedAlarm } from './alarm-book.js';
import type { Channel } from './channels/channel.js';
import { conditionsOf, roleChanges, type Condition } from './conditions.js';
import type { MonitorEvent } from './events.js';
import { figuresOf, type DatabaseFigures, type FiguresMemory } from './figures.js';
import { rememberRoles, rolesOf, type LastRoles } from './roles.js';
import { readSample, type Inventory, type PairSample } from './sample.js';

export interface PollResult {
  sample: PairSample;
  figures: DatabaseFigures[];
  conditions: Condition[];
  events: MonitorEvent[];
  alarms: RaisedAlarm[];
}

export interface MonitorOptions {
  config: MirrorbookConfig;
  intervalMs: number;
  /** History, raised alarms and remembered roles; without one the monitor forgets on restart. */
  store?: Store;
  channels: Channel[];
  /** Called after every poll (metrics, tests, benchmarks). */
  onPoll?: (result: PollResult) => void;
  signal: AbortSignal;
  /** Stop after this many polls (--once, tests, benchmarks). */
  polls?: number;
}

/** Logins the endpoints use differ between partners by design; they are no drift. */
export function peerLogins(config: MirrorbookConfig): string[] {
  return config.auth.mode === 'certificate' ? Object.values(config.auth.names).map((n) => n.login) : [config.auth.serviceAccount];
}

/** One monitor's state across polls; `poll()` takes one sample and returns what it means. */
export class Monitor {
  readonly pair: string;
  readonly connections: PairConnections;
  readonly book: AlarmBook;
  #previous: PairSample | undefined;
  readonly #memory: FiguresMemory = new Map();
  readonly #lastRoles: LastRoles;
  readonly #lastPrincipal: Record<string, string>;
  readonly #inventory = new Map<string, Inventory>();
  #inventoryAt = 0;
  #polls = 0;

  constructor(private readonly config: MirrorbookConfig, private readonly store?: Store) {
    this.pair = pairName(config);
    this.connections = new PairConnections(config, { connectTimeoutMs: config.monitor.connectTimeoutSeconds * 1000 });
    const restored = (store?.monitor.alarms(this.pair) ?? []) as RaisedAlarm[];
    this.book = new AlarmBook(restored, config.monitor.clearAfterPolls, {
      save: (a) => store?.monitor.saveAlarm(this.pair, a),
      remove: (key) => store?.monitor.deleteAlarm(this.pair, key),
    }, this.pair);
    this.#lastRoles = (store?.monitor.fact(this.pair, 'roles') as LastRoles | undefined) ?? {};
    this.#lastPrincipal = (store?.monitor.fact(this.pair, 'principals') as Record<string, string> | undefined) ?? {};
  }

  async poll(signal?: AbortSignal): Promise<PollResult> {
    const m = this.config.monitor;
    const inventoryDue = Date.now() - this.#inventoryAt >= m.inventorySeconds * 1000;
    const sample = await readSample(this.config, this.connections, { deadlineMs: m.connectTimeoutSeconds * 1000, inventory: inventoryDue, ...(signal ? { signal } : {}) });
    for (const s of sample.servers) if (s.inventory) this.#inventory.set(s.instance, s.inventory);
    if (inventoryDue && sample.servers.every((s) => !s.reachable || s.inventory || s.configuredRole === 'witness')) this.#inventoryAt = Date.now();
    const figures = figuresOf(sample, this.#previous, this.config.databases, this.#memory);
    const notices = roleChanges(sample, this.#lastPrincipal, this.config.databases, this.#lastRoles);
    const conditions = conditionsOf({
      sample, figures, lastRoles: this.#lastRoles, raised: this.book.keys(), inventory: this.#inventory, now: new Date(sample.at),
      config: { databases: this.config.databases, monitor: m, peerLogins: peerLogins(this.config) },
    });
    const roles = rolesOf(sample);
    const events = this.book.update(conditions, sample.at, roles);
    events.push(...notices.map((n): MonitorEvent => ({ type: 'notice', key: n.key, kind: n.kind, severity: 'info', at: sample.at, pair: this.pair, message: n.message, advice: n.advice, database: n.database, instance: n.instance, roles })));
    rememberRoles(sample, this.#lastRoles);
    this.#remember(sample, figures);
    this.#previous = sample;
    this.#polls += 1;
    return { sample, figures, conditions, events, alarms: this.book.raised };
  }

  #remember(sample: PairSample, figures: DatabaseFigures[]): void {
    if (!this.store) return;
    this.store.monitor.setFact(this.pair, 'roles', this.#lastRoles);
    this.store.monitor.setFact(this.pair, 'principals', this.#lastPrincipal);
    this.store.monitor.addSamples(sampleRows(this.pair, sample, figures));
    // Retention is applied every 100 polls (and at the first): a delete per poll is wasted work.
    if (this.#polls % 100 === 0) this.store.monitor.prune(this.pair, new Date(Date.parse(sample.at) - this.config.monitor.retentionHours * 3_600_000).toISOString());
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}

/** One row per server and one per database on each server, figures on the side they belong to
 * (as sp_dbmmonitorresults reports them: send figures on the principal, redo on the mirror). */
export function sampleRows(pair: string, sample: PairSample, figures: DatabaseFigures[]): MonitorSampleRow[] {
  const rows: MonitorSampleRow[] = [];
  const empty = { role: null, mirroringState: null, witnessState: null, unsentLogKb: null, unrestoredLogKb: null, sendRateKbps: null, restoreRateKbps: null, logGenerationRateKbps: null, oldestUnsentMinutes: null, commitOverheadMs: null, catchUpSeconds: null };
  for (const s of sample.servers) {
    rows.push({ pair, at: sample.at, instance: s.instance, database: null, reachable: s.reachable, answerMs: s.answerMs, ...empty });
    for (const d of s.databases) {
      const f = figures.find((x) => x.database === d.name);
      const principal = d.role === 'PRINCIPAL' && f?.principal === s.instance;
      const mirror = d.role === 'MIRROR' && f?.mirror === s.instance;
      rows.push({
        pair, at: sample.at, instance: s.instance, database: d.name, reachable: true, answerMs: s.answerMs,
        role: d.role, mirroringState: d.mirroringState, witnessState: d.witnessState,
        unsentLogKb: principal ? d.sendQueueKb : null,
        unrestoredLogKb: mirror ? d.redoQueueKb : null,
        sendRateKbps: principal ? f.sendRateKbps : null,
        restoreRateKbps: mirror ? f.restoreRateKbps : null,
        logGenerationRateKbps: principal ? f.logGenerationRateKbps : null,
        oldestUnsentMinutes: principal ? f.oldestUnsentMinutes : null,
        commitOverheadMs: principal ? f.commitOverheadMs : null,
        catchUpSeconds: principal ? f.catchUpSeconds : null,
      });
    }
  }
  return rows;
}

/** Polls until the signal aborts (or `polls` are done), every `intervalMs` from the start of the
 * previous poll. Returns the last poll's result. */
export async function runMonitor(options: MonitorOptions): Promise<PollResult | undefined> {
  const monitor = new Monitor(options.config, options.store);
  let last: PollResult | undefined;
  try {
    for (let n = 0; !options.signal.aborted && (options.polls === undefined || n < options.polls); n++) {
      const started = Date.now();
      last = await monitor.poll(options.signal);
      if (options.signal.aborted) break;
      for (const event of last.events) for (const channel of options.channels) channel.send(event);
      options.onPoll?.(last);
      if (options.polls !== undefined && n + 1 >= options.polls) break;
      const wait = Math.max(0, options.intervalMs - (Date.now() - started));
      await sleep(wait, undefined, { signal: options.signal }).catch(() => {});
    }
  } finally {
    await monitor.close();
  }
  return last;
}
