// What is wrong right now, from one sample (the level the alarm book raises and clears), and what
// just happened between two (role changes: notices, sent once). Advice fits the state: nobody is
// told to promote while a partner already serves.
import type { MonitorConfig } from '../config/types.js';
import type { DatabaseFigures } from './figures.js';
import { viewOf } from './figures.js';
import { nameOf, type LastRoles } from './roles.js';
import type { PairSample, ServerSample } from './sample.js';

export type Severity = 'warning' | 'critical';

export type ConditionKind =
  | 'unreachable' | 'slow' | 'endpoint-stopped' | 'state' | 'not-mirrored' | 'two-principals' | 'quorum-lost' | 'witness-lost'
  | 'threshold' | 'login-drift' | 'certificate-expiring';

export interface Condition {
  key: string;
  kind: ConditionKind;
  severity: Severity;
  message: string;
  advice: string;
  database?: string;
  instance?: string;
  /** For thresholds: the figure and its limit. */
  value?: number;
  threshold?: number;
  /** A coarse name for the situation the advice was written for; a new one re-announces the alarm. */
  situation?: string;
}

export type RoleChangeCause = 'planned failover' | 'automatic failover' | 'forced service';

export interface Notice {
  key: string;
  kind: 'role-change';
  cause: RoleChangeCause;
  database: string;
  instance: string;
  message: string;
  advice: string;
}

/** A threshold, once raised, clears only below this share of its limit (a figure hovering at the
 * limit must not page on every poll). */
export const CLEAR_RATIO = 0.8;

export interface ConditionInput {
  sample: PairSample;
  figures: DatabaseFigures[];
  config: { databases: string[]; monitor: MonitorConfig; peerLogins: string[] };
  lastRoles: LastRoles;
  /** Keys raised now: thresholds clear at CLEAR_RATIO of their limit. */
  raised: ReadonlySet<string>;
  /** The latest inventory read from each instance (certificates, logins). */
  inventory: Map<string, NonNullable<ServerSample['inventory']>>;
  now: Date;
}

export function conditionsOf(input: ConditionInput): Condition[] {
  const found: Condition[] = [];
  const partners = input.sample.servers.filter((s) => s.configuredRole !== 'witness');
  for (const server of input.sample.servers) found.push(...serverConditions(server, input));
  for (const database of input.config.databases) found.push(...databaseConditions(database, partners, input));
  found.push(...loginDrift(partners, input));
  found.push(...certificates(input.sample.servers, input));
  return found;
}

function serverConditions(server: ServerSample, input: ConditionInput): Condition[] {
  const { sample, lastRoles, config } = input;
  const name = nameOf(server, lastRoles, sample);
  if (!server.reachable) {
    const witness = server.configuredRole === 'witness';
    const { advice, situation } = witness
      ? { advice: `automatic failover is not possible while ${server.instance} is away; the partners keep mirroring`, situation: 'witness' }
      : unreachableAdvice(server, sample);
    return [{ key: `unreachable:${server.instance}`, kind: 'unreachable', severity: witness ? 'warning' : 'critical', instance: server.instance, message: `${name} is unreachable: ${server.error ?? 'no answer'}`, advice, situation }];
  }
  const found: Condition[] = [];
  if (server.answerMs !== null && server.answerMs > config.monitor.slowAnswerMs) {
    found.push({ key: `slow:${server.instance}`, kind: 'slow', severity: 'warning', instance: server.instance, value: server.answerMs, threshold: config.monitor.slowAnswerMs, message: `${name} is slow to answer: ${server.answerMs} ms (limit ${config.monitor.slowAnswerMs} ms)`, advice: `look at ${server.instance}'s load and the network to it; a slow principal also slows every commit in FULL safety` });
  }
  if (server.endpointState !== null && server.endpointState !== 'STARTED') {
    found.push({ key: `endpoint:${server.instance}`, kind: 'endpoint-stopped', severity: 'critical', instance: server.instance, message: `${name}: the mirroring endpoint is ${server.endpointState}`, advice: `start it on ${server.instance}: ALTER ENDPOINT … STATE = STARTED (no mirroring traffic reaches this instance until then)` });
  }
  if (server.endpointState === null && server.configuredRole !== 'witness' && server.databases.some((d) => d.role !== null)) {
    found.push({ key: `endpoint:${server.instance}`, kind: 'endpoint-stopped', severity: 'critical', instance: server.instance, message: `${name}: no mirroring endpoint exists`, advice: 'create the endpoint again (mirrorbook run setup re-creates what is missing)' });
  }
  return found;
}

function unreachableAdvice(server: ServerSample, sample: PairSample): { advice: string; situation: string } {
  const other = sample.servers.find((s) => s.configuredRole !== 'witness' && s !== server);
  const otherServes = other?.reachable && other.databases.some((d) => d.role === 'PRINCIPAL');
  if (otherServes) return { advice: `${other!.instance} serves as principal; bring ${server.instance} back and it rejoins as the mirror (its session resumes or stays SUSPENDED after forced service)`, situation: 'other-serves' };
  const waiting = other?.reachable ? other.databases.find((d) => d.role === 'MIRROR') : undefined;
  if (waiting && waiting.witness && waiting.witnessState === 'CONNECTED' && waiting.safety === 'FULL') {
    return { advice: `the witness should fail over to ${other!.instance} automatically once the partner timeout passes; if it does not, check the witness`, situation: 'failover-expected' };
  }
  if (waiting) return { advice: `the principal is gone and nothing serves the databases: bring ${server.instance} back, or if it will not come back force service on ${other!.instance} (mirrorbook run promote; data loss possible)`, situation: 'promote' };
  return { advice: `check that ${server.instance} is running and reachable from this host`, situation: 'check' };
}

function databaseConditions(database: string, partners: ServerSample[], input: ConditionInput): Condition[] {
  const { sample, lastRoles, config } = input;
  const found: Condition[] = [];
  const reachable = partners.filter((s) => s.reachable);
  const principals = reachable.filter((s) => s.databases.some((d) => d.name === database && d.role === 'PRINCIPAL'));
  if (principals.length > 1) {
    found.push({ key: `two-principals:${database}`, kind: 'two-principals', severity: 'critical', database, message: `${database}: two principals — ${principals.map((s) => nameOf(s, lastRoles)).join(' and ')} both serve (split brain)`, advice: 'stop the applications writing to the one that must lose; its changes will be rolled back when it rejoins as mirror (ALTER DATABASE … SET PARTNER RESUME on the survivor)' });
  }
  const p = viewOf(sample, database, 'PRINCIPAL');
  const m = viewOf(sample, database, 'MIRROR');
  const view = p ?? m;
  if (!view) {
    for (const server of reachable) {
      const d = server.databases.find((x) => x.name === database);
      if (d && d.role === null) found.push({ key: `not-mirrored:${database}:${server.instance}`, kind: 'not-mirrored', severity: 'critical', database, instance: server.instance, message: `${database} on ${nameOf(server, lastRoles)} is not mirrored (${d.state})`, advice: 'set mirroring up again: mirrorbook run setup (or enable, if the mirror copy is restored)' });
    }
    return found;
  }
  const d = view.database;
  const where = `${database} on ${nameOf(view.server, lastRoles)}`;
  const state = d.mirroringState;
  if (state && state !== 'SYNCHRONIZED' && !(state === 'SYNCHRONIZING' && d.safety === 'OFF')) {
    const other = partners.find((s) => s !== view.server);
    const otherName = other ? nameOf(other, lastRoles, sample) : 'the partner';
    let severity: Severity = 'warning';
    let advice = 'the mirror is catching up; act only if it lasts (see the queues and the time to catch up)';
    if (state === 'SUSPENDED') {
      severity = 'critical';
      advice = `the principal runs exposed and its log cannot be truncated: fix the cause, then resume (ALTER DATABASE ${database} SET PARTNER RESUME; mirrorbook run resume-session)`;
    } else if (state === 'DISCONNECTED' && d.role === 'PRINCIPAL') {
      severity = 'critical';
      advice = `the principal runs exposed (nothing to fail over to): bring ${otherName} and the link to it back`;
    } else if (state === 'DISCONNECTED') {
      severity = 'critical';
      advice = unreachableAdvice(other ?? view.server, sample).advice;
      if (other?.reachable) advice = `the partners cannot reach each other though both answer: check the endpoints and the network between them`;
    } else if (state === 'PENDING_FAILOVER') {
      advice = 'a failover is in progress; wait for it to finish';
    }
    // The advice is re-announced when the side reporting changes (a failover), not on every flap.
    found.push({ key: `state:${database}`, kind: 'state', severity, database, message: `${where}: ${state}`, advice, situation: `${view.server.instance}:${d.role}` });
  }
  if (d.role === 'PRINCIPAL' && d.witness && d.witnessState !== 'CONNECTED' && state === 'DISCONNECTED') {
    found.push({ key: `quorum-lost:${database}`, kind: 'quorum-lost', severity: 'critical', database, message: `${where}: quorum lost — neither the mirror nor the witness is connected; the principal stops serving the database`, advice: 'bring back the mirror or the witness; the database stays unavailable to applications until one returns (or force service on the mirror)' });
  } else if (d.witness && d.witnessState !== 'CONNECTED') {
    found.push({ key: `witness-lost:${database}`, kind: 'witness-lost', severity: 'warning', database, message: `${where}: witness ${d.witness} is ${d.witnessState ?? 'UNKNOWN'}`, advice: 'no automatic failover until the witness is back; check the witness instance and its endpoint' });
  }
  found.push(...thresholds(database, input));
  return found;
}

const METRICS = [
  ['oldestUnsentMinutes', 'oldest unsent transaction', 'min', 'potential data loss in time: the mirror lacks this much of the principal\'s work'],
  ['unsentLogKb', 'unsent log', 'KB', 'potential data loss: log the mirror has not received; check the link and the mirror\'s disk'],
  ['unrestoredLogKb', 'unrestored log', 'KB', 'a failover now would take longer: the mirror must redo this log first; check the mirror\'s disk and CPU'],
  ['commitOverheadMs', 'mirror commit overhead', 'ms', 'every commit waits this long for the mirror; check the link latency and the mirror\'s log disk'],
  ['catchUpSeconds', 'time to catch up', 's', 'the mirror falls behind faster than it catches up; look at the workload and the link'],
] as const;

function thresholds(database: string, input: ConditionInput): Condition[] {
  const figures = input.figures.find((f) => f.database === database);
  if (!figures) return [];
  const found: Condition[] = [];
  for (const [metric, label, unit, advice] of METRICS) {
    const limit = input.config.monitor.thresholds[metric];
    const value = figures[metric];
    if (!limit || value === null) continue;
    const key = `threshold:${metric}:${database}`;
    const over = input.raised.has(key) ? value >= limit * CLEAR_RATIO : value > limit;
    if (!over) continue;
    const on = metric === 'unrestoredLogKb' ? figures.mirror : figures.principal;
    found.push({ key, kind: 'threshold', severity: 'warning', database, ...(on ? { instance: on } : {}), value, threshold: limit, message: `${database}${on ? ` on ${on}` : ''}: ${label} ${value} ${unit} over the threshold ${limit} ${unit}`, advice });
  }
  return found;
}

/** Logins an application needs on whichever partner serves: one missing on the other partner
 * breaks the application after a failover. Endpoint (peer) logins differ by design. */
function loginDrift(partners: ServerSample[], input: ConditionInput): Condition[] {
  const [a, b] = partners.map((s) => ({ s, inv: input.inventory.get(s.instance) }));
  if (!a?.inv || !b?.inv) return [];
  const ignore = new Set(input.config.peerLogins.map((n) => n.toLowerCase()));
  const names = (logins: string[]) => new Set(logins.map((l) => l.toLowerCase()).filter((l) => !ignore.has(l)));
  const onA = names(a.inv.logins);
  const onB = names(b.inv.logins);
  const missingOnB = a.inv.logins.filter((l) => onA.has(l.toLowerCase()) && !onB.has(l.toLowerCase()));
  const missingOnA = b.inv.logins.filter((l) => onB.has(l.toLowerCase()) && !onA.has(l.toLowerCase()));
  // On both, but disabled on one only: refused there (18456 state 7) after a failover.
  const disabled = (inv: { disabled?: string[] }) => new Set((inv.disabled ?? []).map((l) => l.toLowerCase()));
  const [offA, offB] = [disabled(a.inv), disabled(b.inv)];
  const disabledOnB = a.inv.logins.filter((l) => onA.has(l.toLowerCase()) && onB.has(l.toLowerCase()) && offB.has(l.toLowerCase()) && !offA.has(l.toLowerCase()));
  const disabledOnA = b.inv.logins.filter((l) => onB.has(l.toLowerCase()) && onA.has(l.toLowerCase()) && offA.has(l.toLowerCase()) && !offB.has(l.toLowerCase()));
  if (missingOnA.length + missingOnB.length + disabledOnA.length + disabledOnB.length === 0) return [];
  const parts = [
    ...(missingOnB.length ? [`${missingOnB.join(', ')} only on ${a.s.instance}`] : []),
    ...(missingOnA.length ? [`${missingOnA.join(', ')} only on ${b.s.instance}`] : []),
    ...(disabledOnB.length ? [`${disabledOnB.join(', ')} disabled on ${b.s.instance}`] : []),
    ...(disabledOnA.length ? [`${disabledOnA.join(', ')} disabled on ${a.s.instance}`] : []),
  ];
  return [{ key: 'login-drift', kind: 'login-drift', severity: 'warning', message: `logins differ between the partners: ${parts.join('; ')}`, advice: "make the partner that does not serve the databases hold every login the serving one has, with the same SID, enabled where it is enabled there ('mirrorbook run sync-logins' does that, from the serving partner; a login disabled on the serving partner only is left to you), or applications fail to log in after a failover" }];
}

function certificates(servers: ServerSample[], input: ConditionInput): Condition[] {
  const found: Condition[] = [];
  const windowMs = input.config.monitor.certificateWarningDays * 86_400_000;
  for (const server of servers) {
    const inventory = input.inventory.get(server.instance);
    // By the server's clock (a server whose clock is ahead refuses the certificate sooner).
    const now = input.now.getTime() + (inventory?.clockSkewMs ?? 0);
    for (const c of inventory?.certificates ?? []) {
      const left = Date.parse(c.expiry) - now;
      if (left > windowMs) continue;
      const days = Math.floor(left / 86_400_000);
      found.push({
        key: `certificate:${server.instance}:${c.name}`, kind: 'certificate-expiring', severity: left <= 0 ? 'critical' : 'warning', instance: server.instance,
        message: `certificate ${c.name} on ${server.instance} ${left <= 0 ? `expired on ${c.expiry.slice(0, 10)}` : `expires on ${c.expiry.slice(0, 10)} (in ${days} days)`}`,
        advice: 'an endpoint certificate that expires stops mirroring at the next reconnect: create a new one, exchange it and ALTER ENDPOINT to use it (mirrorbook run certificate-setup with new names)',
      });
    }
  }
  return found;
}

/** Role changes since the last poll: the principal of a database moved to another instance. */
export function roleChanges(sample: PairSample, lastPrincipal: Record<string, string>, databases: string[], lastRoles: LastRoles): Notice[] {
  const notices: Notice[] = [];
  for (const database of databases) {
    const principals = sample.servers.filter((s) => s.reachable && s.databases.some((d) => d.name === database && d.role === 'PRINCIPAL'));
    const before = lastPrincipal[database];
    // Two principals (forced service while the old one still runs): the new one is the change. A
    // sample asks its servers one after the other, so a failover between the two answers also shows
    // two principals, the new one still mirroring: the next poll tells what happened.
    const now = principals.length === 1 ? principals[0] : principals.length === 2 ? principals.find((s) => s.instance !== before) : undefined;
    if (!now) continue;
    if (principals.length === 2 && !['SUSPENDED', 'DISCONNECTED'].includes(now.databases.find((x) => x.name === database)!.mirroringState ?? '')) continue;
    lastPrincipal[database] = now.instance;
    if (before === undefined || before === now.instance) continue;
    const old = sample.servers.find((s) => s.instance === before);
    const d = now.databases.find((x) => x.name === database)!;
    const oldIsMirror = old?.reachable && old.databases.some((x) => x.name === database && x.role === 'MIRROR');
    const cause: RoleChangeCause = oldIsMirror && d.mirroringState !== 'SUSPENDED' ? 'planned failover' : d.witness && d.witnessState === 'CONNECTED' && d.mirroringState !== 'SUSPENDED' ? 'automatic failover' : 'forced service';
    const advice = cause === 'forced service'
      ? `the session stays SUSPENDED when ${before} returns: resume it (mirrorbook run resume-session), accepting that ${before}'s unsent transactions are lost`
      : cause === 'automatic failover'
        ? `applications reconnect to ${now.instance} (Failover Partner); bring ${before} back and it rejoins as the mirror`
        : 'nothing to do; fail back when it suits you (mirrorbook run failback)';
    notices.push({ key: `role-change:${database}:${now.instance}`, kind: 'role-change', cause, database, instance: now.instance, message: `${database}: ${cause} — ${nameOf(now, lastRoles)} serves in place of ${before}`, advice });
  }
  return notices;
}
