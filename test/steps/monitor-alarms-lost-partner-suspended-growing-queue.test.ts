import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alarmsOf, exitCodeOf, MONITOR_EXIT } from '../../steps/alarms.js';
import type { DatabaseStatus, PairStatus } from '../../steps/pair-status.js';

const db = (over: Partial<DatabaseStatus>): DatabaseStatus => ({
  name: 'Patriot', state: 'ONLINE', recoveryModel: 'FULL', role: 'PRINCIPAL', mirroringState: 'SYNCHRONIZED', safety: 'FULL',
  partner: 'TCP://m:1430', partnerInstance: 'SQLMIR01', witness: null, witnessState: null, sendQueueKb: 0, redoQueueKb: 0, ...over,
});
const pair = (principal: Partial<DatabaseStatus>, mirrorReachable = true): PairStatus => ({
  at: '2026-11-25T20:00:00Z',
  partners: [
    { role: 'principal', instance: 'SQLPRI01', address: 'a', reachable: true, databases: [db(principal)] },
    mirrorReachable
      ? { role: 'mirror', instance: 'SQLMIR01', address: 'b', reachable: true, databases: [db({ role: 'MIRROR', state: 'RESTORING' })] }
      : { role: 'mirror', instance: 'SQLMIR01', address: 'b', reachable: false, error: 'ECONNREFUSED', databases: [] },
  ],
});

test('a healthy pair raises nothing and exits 0', () => {
  const s = pair({});
  assert.equal(alarmsOf(s), []);
  assert.is(exitCodeOf(s, []), MONITOR_EXIT.healthy);
});

test('a lost partner is critical', () => {
  const s = pair({ mirroringState: 'DISCONNECTED' }, false);
  const alarms = alarmsOf(s);
  assert.ok(alarms.some((a) => a.key === 'unreachable:SQLMIR01' && a.severity === 'critical'));
  assert.ok(alarms.some((a) => a.message.includes('partner lost')));
  assert.is(exitCodeOf(s, alarms), MONITOR_EXIT.critical);
});

test('SUSPENDED is critical', () => {
  const s = pair({ mirroringState: 'SUSPENDED' });
  assert.is(exitCodeOf(s, alarmsOf(s)), MONITOR_EXIT.critical);
});

test('a growing send queue is a warning; a shrinking one is not', () => {
  const before = pair({ sendQueueKb: 100 });
  const grown = pair({ sendQueueKb: 250 });
  const alarms = alarmsOf(grown, before);
  assert.ok(alarms.some((a) => a.message.includes('send queue growing (100 → 250 KB)')));
  assert.is(exitCodeOf(grown, alarms), MONITOR_EXIT.warning);
  assert.equal(alarmsOf(before, grown), []);
});

test.run();
