// The monitor's judgement, without servers: samples in, alarms and notices out. A flapping link
// raises one alarm; an alarm clears after clearAfterPolls quiet polls; a restarted book neither
// re-fires nor forgets; instances are named by their current role; advice fits the state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MONITOR_DEFAULTS } from '../../config/monitor.js';
import { AlarmBook, type RaisedAlarm } from '../../monitor/alarm-book.js';
import { conditionsOf, roleChanges, type Condition } from '../../monitor/conditions.js';
import { figuresOf } from '../../monitor/figures.js';
import { nameOf } from '../../monitor/roles.js';
import type { DatabaseSample, PairSample, ServerSample } from '../../monitor/sample.js';

const db = (over: Partial<DatabaseSample> = {}): DatabaseSample => ({
  name: 'Patriot',
  state: 'ONLINE',
  role: 'PRINCIPAL',
  mirroringState: 'SYNCHRONIZED',
  safety: 'FULL',
  partnerInstance: null,
  witness: null,
  witnessState: null,
  sendQueueKb: 0,
  redoQueueKb: 0,
  bytesSent: 0,
  bytesRedone: 0,
  transactionDelayMs: 0,
  mirroredTransactions: 0,
  ...over,
});
const server = (instance: string, configuredRole: ServerSample['configuredRole'], databases: DatabaseSample[] | null): ServerSample => ({
  configuredRole,
  instance,
  address: 'x',
  reachable: databases !== null,
  answerMs: databases ? 5 : null,
  endpointState: databases ? 'STARTED' : null,
  databases: databases ?? [],
  ...(databases ? {} : { error: 'ECONNREFUSED' }),
});
let clock = Date.parse('2026-12-01T08:00:00Z');
const sample = (...servers: ServerSample[]): PairSample => ({ at: new Date((clock += 1000)).toISOString(), servers });
const healthy = () => sample(server('SQLPRI01', 'principal', [db()]), server('SQLMIR01', 'mirror', [db({ role: 'MIRROR', state: 'RESTORING' })]));
const linkDown = () =>
  sample(
    server('SQLPRI01', 'principal', [db({ mirroringState: 'DISCONNECTED' })]),
    server('SQLMIR01', 'mirror', [db({ role: 'MIRROR', state: 'RESTORING', mirroringState: 'DISCONNECTED' })]),
  );
const resyncing = () =>
  sample(
    server('SQLPRI01', 'principal', [db({ mirroringState: 'SYNCHRONIZING' })]),
    server('SQLMIR01', 'mirror', [db({ role: 'MIRROR', state: 'RESTORING', mirroringState: 'SYNCHRONIZING' })]),
  );

const monitor = { ...MONITOR_DEFAULTS, thresholds: { ...MONITOR_DEFAULTS.thresholds } };
function judge(s: PairSample, raised: ReadonlySet<string> = new Set(), previous?: PairSample): Condition[] {
  return conditionsOf({
    sample: s,
    figures: figuresOf(s, previous, ['Patriot'], new Map()),
    config: { databases: ['Patriot'], monitor, peerLogins: [] },
    lastRoles: {},
    raised,
    inventory: new Map(),
    now: new Date(s.at),
  });
}
function book(persisted: Map<string, RaisedAlarm> = new Map(), clearAfter = 3): AlarmBook {
  return new AlarmBook(
    [...persisted.values()].map((a) => ({ ...a })),
    clearAfter,
    { save: (a) => persisted.set(a.key, { ...a }), remove: (k) => persisted.delete(k) },
    'SQLPRI01+SQLMIR01',
  );
}

test('a healthy pair raises nothing', () => {
  assert.equal(judge(healthy()), []);
});

test('a flapping link raises one alarm and clears it once, after clearAfterPolls quiet polls', () => {
  const b = book();
  const events = [];
  for (const s of [healthy(), linkDown(), resyncing(), linkDown(), resyncing(), linkDown(), healthy(), healthy(), healthy(), healthy()])
    events.push(...b.update(judge(s), s.at, []));
  assert.equal(
    events.map((e) => `${e.type} ${e.key}`),
    ['raised state:Patriot', 'cleared state:Patriot'],
  );
});

test('a restarted monitor neither raises again what it had raised nor forgets to clear it', () => {
  const persisted = new Map<string, RaisedAlarm>();
  const first = book(persisted);
  assert.is(first.update(judge(linkDown()), 'a', []).length, 1);
  const second = book(persisted);
  assert.equal(second.update(judge(linkDown()), 'b', []), [], 'no second raise after the restart');
  const after = [healthy(), healthy(), healthy()].flatMap((s) => second.update(judge(s), s.at, []));
  assert.equal(
    after.map((e) => e.type),
    ['cleared'],
  );
  assert.is(persisted.size, 0);
});

test('instances are named by the role they have now, the configured one only where it differs', () => {
  const s = sample(server('SQLPRI01', 'principal', [db({ role: 'MIRROR', state: 'RESTORING' })]), server('SQLMIR01', 'mirror', [db()]));
  assert.is(nameOf(s.servers[0]!), 'SQLPRI01, configured principal, now mirror');
  assert.is(nameOf(s.servers[1]!), 'SQLMIR01, configured mirror, now principal');
  assert.is(nameOf(healthy().servers[0]!), 'SQLPRI01 (principal)');
  assert.is(nameOf(server('SQLPRI01', 'principal', null), { SQLPRI01: 'mirror' }), 'SQLPRI01 (configured principal, last seen as mirror)');
  const afterFailover = sample(server('SQLPRI01', 'principal', null), server('SQLMIR01', 'mirror', [db()]));
  assert.is(nameOf(afterFailover.servers[0]!, { SQLPRI01: 'principal' }, afterFailover), 'SQLPRI01 (former principal)', 'lost, its role taken over');
  assert.is(nameOf(afterFailover.servers[0]!, { SQLPRI01: 'principal' }), 'SQLPRI01 (principal)', 'lost, nothing known of the others');
});

test('a lost mirror after a failover is named as the mirror, and nobody is told to promote while a partner serves', () => {
  const s = sample(server('SQLPRI01', 'principal', null), server('SQLMIR01', 'mirror', [db({ mirroringState: 'DISCONNECTED' })]));
  const lost = judge(s).find((c) => c.key === 'unreachable:SQLPRI01')!;
  assert.is(lost.severity, 'critical');
  assert.match(lost.advice, /SQLMIR01 serves as principal/);
  for (const c of judge(s)) assert.not.match(c.advice, /promote/, c.key);
});

test('the principal gone without a witness: promote is the advice; with a connected witness: automatic failover is expected', () => {
  const alone = sample(
    server('SQLPRI01', 'principal', null),
    server('SQLMIR01', 'mirror', [db({ role: 'MIRROR', state: 'RESTORING', mirroringState: 'DISCONNECTED' })]),
  );
  assert.match(judge(alone).find((c) => c.key === 'unreachable:SQLPRI01')!.advice, /mirrorbook run promote/);
  const watched = sample(
    server('SQLPRI01', 'principal', null),
    server('SQLMIR01', 'mirror', [
      db({ role: 'MIRROR', state: 'RESTORING', mirroringState: 'DISCONNECTED', witness: 'TCP://w:1430', witnessState: 'CONNECTED' }),
    ]),
  );
  const advice = judge(watched).find((c) => c.key === 'unreachable:SQLPRI01')!.advice;
  assert.match(advice, /witness should fail over/);
  assert.not.match(advice, /promote/);
});

test('two principals are critical; a principal that lost mirror and witness has lost quorum', () => {
  const split = sample(
    server('SQLPRI01', 'principal', [db({ mirroringState: 'DISCONNECTED' })]),
    server('SQLMIR01', 'mirror', [db({ mirroringState: 'DISCONNECTED' })]),
  );
  assert.is(judge(split).find((c) => c.kind === 'two-principals')?.severity, 'critical');
  const alone = sample(
    server('SQLPRI01', 'principal', [db({ mirroringState: 'DISCONNECTED', witness: 'TCP://w:1430', witnessState: 'DISCONNECTED' })]),
    server('SQLMIR01', 'mirror', null),
  );
  assert.is(judge(alone).find((c) => c.kind === 'quorum-lost')?.severity, 'critical');
});

test('role changes are told apart: planned failover, automatic failover by the witness, forced service', () => {
  const last = { Patriot: 'SQLPRI01' };
  const planned = sample(server('SQLPRI01', 'principal', [db({ role: 'MIRROR', state: 'RESTORING' })]), server('SQLMIR01', 'mirror', [db()]));
  assert.is(roleChanges(planned, { ...last }, ['Patriot'], {})[0]?.cause, 'planned failover');
  const automatic = sample(
    server('SQLPRI01', 'principal', null),
    server('SQLMIR01', 'mirror', [db({ mirroringState: 'DISCONNECTED', witness: 'TCP://w:1430', witnessState: 'CONNECTED' })]),
  );
  assert.is(roleChanges(automatic, { ...last }, ['Patriot'], {})[0]?.cause, 'automatic failover');
  const forced = sample(server('SQLPRI01', 'principal', null), server('SQLMIR01', 'mirror', [db({ mirroringState: 'DISCONNECTED' })]));
  const notice = roleChanges(forced, { ...last }, ['Patriot'], {})[0]!;
  assert.is(notice.cause, 'forced service');
  assert.match(notice.message, /SQLMIR01, configured mirror, now principal/);
  assert.equal(roleChanges(healthy(), { ...last }, ['Patriot'], {}), [], 'no change, no notice');
});

test('a planned failover between the answers of one sample is told at the next poll, as planned', () => {
  const last = { Patriot: 'SQLPRI01' };
  // SQLPRI01 answered before the failover, SQLMIR01 after: two principals, the new one mirroring.
  const between = sample(
    server('SQLPRI01', 'principal', [db({ witness: 'TCP://w:1430', witnessState: 'CONNECTED' })]),
    server('SQLMIR01', 'mirror', [db({ witness: 'TCP://w:1430', witnessState: 'CONNECTED' })]),
  );
  assert.equal(roleChanges(between, last, ['Patriot'], {}), [], 'not yet told');
  assert.is(last.Patriot, 'SQLPRI01');
  const after = sample(
    server('SQLPRI01', 'principal', [db({ role: 'MIRROR', state: 'RESTORING', witness: 'TCP://w:1430', witnessState: 'CONNECTED' })]),
    server('SQLMIR01', 'mirror', [db({ witness: 'TCP://w:1430', witnessState: 'CONNECTED' })]),
  );
  assert.equal(
    roleChanges(after, last, ['Patriot'], {}).map((n) => n.cause),
    ['planned failover'],
  );
});

test('a threshold raised at its limit clears only below 80% of it', () => {
  const queued = (kb: number) =>
    sample(server('SQLPRI01', 'principal', [db({ sendQueueKb: kb })]), server('SQLMIR01', 'mirror', [db({ role: 'MIRROR', state: 'RESTORING' })]));
  const key = 'threshold:unsentLogKb:Patriot';
  const limit = monitor.thresholds.unsentLogKb;
  assert.ok(judge(queued(limit + 1)).some((c) => c.key === key));
  assert.ok(
    judge(queued(limit * 0.9), new Set([key])).some((c) => c.key === key),
    'still raised at 90%',
  );
  assert.not.ok(
    judge(queued(limit * 0.9)).some((c) => c.key === key),
    'not raised at 90% when it was not',
  );
  assert.not.ok(
    judge(queued(limit * 0.7), new Set([key])).some((c) => c.key === key),
    'cleared at 70%',
  );
});

test('rates come from the cumulative counters of two polls on the same server', () => {
  const at = (bytes: number, queue: number) =>
    sample(
      server('SQLPRI01', 'principal', [db({ bytesSent: bytes, sendQueueKb: queue, mirroredTransactions: bytes / 1024, transactionDelayMs: bytes / 512 })]),
      server('SQLMIR01', 'mirror', [db({ role: 'MIRROR', state: 'RESTORING' })]),
    );
  const a = at(0, 0);
  const b = at(10 * 1024, 5);
  const [f] = figuresOf(b, a, ['Patriot'], new Map());
  assert.is(f!.sendRateKbps, 10);
  assert.is(f!.logGenerationRateKbps, 15);
  assert.is(f!.commitOverheadMs, 2);
});

test.run();
