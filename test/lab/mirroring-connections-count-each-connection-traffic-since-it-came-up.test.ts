// sys.dm_db_mirroring_connections: a connection came up when the partners connected (not when the
// instance started), its counters grow with the log the principal ships, one partner's sent is the
// other's received, and a reconnect starts a new connection with fresh counters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newLogin } from '../../lab/instance/principals.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { LabState } from '../../lab/model.js';
import { MIR, PRI, mirroredLab, type Clock } from './mirroring-fixture.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function admin(lab: LabState, name: string, clock: Clock): Promise<InProcessSession> {
  const instance = lab.instances[name]!;
  const login = newLogin(lab, { name: 'mirrorbook', type: 'S', password: PASSWORD, now: clock.now });
  instance.logins[login.name] = login;
  instance.serverRoleMembers['sysadmin'] = [...(instance.serverRoleMembers['sysadmin'] ?? []), login.name];
  const s = await signIn(inProcessInstance(lab, name, { now: () => clock.now, advance: () => undefined }), 'mirrorbook', PASSWORD);
  return s;
}

interface Connection {
  accept: boolean;
  connectTime: Date;
  sent: number;
  received: number;
  sends: number;
  receives: number;
}

async function connections(s: InProcessSession): Promise<Connection[]> {
  const r = await s.query(
    'SELECT is_accept, connect_time, total_bytes_sent, total_bytes_received, total_sends, total_receives FROM sys.dm_db_mirroring_connections ORDER BY is_accept',
  );
  assert.equal(r.errors, []);
  return (r.resultSets[0]?.rows ?? []).map(([accept, connectTime, sent, received, sends, receives]) => ({
    accept: accept as boolean,
    connectTime: connectTime as Date,
    sent: Number(sent),
    received: Number(received),
    sends: Number(sends),
    receives: Number(receives),
  }));
}

test('connect time is when the partners connected; traffic grows with the workload and matches on both ends', async () => {
  const { lab, clock } = await mirroredLab();
  const connectedAt = clock.now.getTime();
  const p = await admin(lab, PRI, clock);
  const m = await admin(lab, MIR, clock);
  clock.advance(10_000);
  const first = await connections(p);
  assert.is(first.length, 2);
  for (const c of first) assert.is(c.connectTime.getTime(), connectedAt, 'the connection came up with the session, not at the service start (2026-01-01)');
  const [outbound, inbound] = first as [Connection, Connection];
  assert.ok(outbound.sent > inbound.sent, `the principal ships log: sent ${outbound.sent} on its outbound connection, ${inbound.sent} inbound`);
  assert.ok(outbound.sends >= 100, `one message per mirrored transaction (10 tps × 10 s) plus pings: ${outbound.sends}`);
  const mirrorSide = await connections(m);
  assert.is(mirrorSide[1]!.received, outbound.sent, "the mirror's inbound connection received what the principal's outbound one sent");
  assert.is(mirrorSide[1]!.receives, outbound.sends);

  clock.advance(10_000);
  const later = (await connections(p))[0]!;
  assert.ok(later.sent > outbound.sent && later.sends > outbound.sends, 'the counters grow with time and workload');
});

test('a connection lost and re-established starts again: new connect time, counters from zero', async () => {
  const { lab, clock } = await mirroredLab();
  const p = await admin(lab, PRI, clock);
  clock.advance(20_000);
  const before = (await connections(p))[0]!;
  lab.faults[MIR]!.isolated = true;
  clock.advance(3_000);
  assert.equal(await connections(p), [], 'no connection while the mirror is cut off');
  lab.faults[MIR]!.isolated = false;
  clock.advance(1_000);
  const reconnectedAt = clock.now.getTime();
  clock.advance(2_000);
  const after = (await connections(p))[0]!;
  assert.is(after.connectTime.getTime(), reconnectedAt);
  assert.ok(after.sends < before.sends, `fresh counters: ${after.sends} messages now, ${before.sends} on the old connection`);
});

test.run();
