// A pair's whole life in one lab, through the real CLI: setup → failover → failback, then the
// unplanned part: the principal goes down → promote, it comes back → resume-session, then disable
// and cleanup — which keeps the run anchors unless asked (--drop-anchors, confirmed, audited).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { outcomes, type PairLab } from './pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';

let pair: PairLab;
const DATABASES = ['Patriot', 'PatriotArchive'];

test.before(async () => {
  // A copy of the suite's set-up pair: what `run setup --yes` leaves on a fresh one.
  pair = await startSetUpPair();
  for (const [procedure, principal] of [
    ['failover', 'SQLMIR01'],
    ['failback', 'SQLPRI01'],
  ] as const) {
    const moved = await pair.mb('run', procedure, '--yes');
    if (moved.code !== 0) throw new Error(`${procedure}: ${moved.stdout.slice(-2000)}${moved.stderr}`);
    for (const d of DATABASES) await pair.waitFor(principal, d, 'SYNCHRONIZED', 'PRINCIPAL');
  }
});
test.after(async () => {
  await pair?.stop();
});

const roleOf = (s: Awaited<ReturnType<PairLab['status']>>, instance: string, database: string) =>
  s.partners.find((p) => p.instance === instance)?.databases.find((d) => d.name === database);

test('principal down: monitor is critical, promote needs the typed name and records the data loss', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'down' });
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'DISCONNECTED');
  assert.is((await pair.mb('monitor', '--once')).code, 11);
  const refused = await pair.mb('run', 'promote', '--yes', '--confirm', 'SQLPRI01');
  assert.is.not(refused.code, 0);
  const promote = await pair.mb('run', 'promote', '--yes', '--confirm', 'SQLMIR01');
  assert.is(promote.code, 0, promote.stdout.slice(-3000) + promote.stderr);
  assert.match(promote.stdout, /DATA LOSS ACCEPTED for Patriot/);
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'SUSPENDED', 'PRINCIPAL');
});

test('principal back: resume-session rolls it back and resynchronizes as the mirror', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'up' });
  for (const d of DATABASES) await pair.waitFor('SQLPRI01', d, 'SUSPENDED', 'MIRROR');
  const resume = await pair.mb('run', 'resume-session', '--yes');
  assert.is(resume.code, 0, resume.stdout.slice(-3000) + resume.stderr);
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'SYNCHRONIZED', 'PRINCIPAL');
});

test('disable removes mirroring and brings the old mirror copies online', async () => {
  const disable = await pair.mb('run', 'disable', '--yes', '--confirm', 'SQLPRI01');
  assert.is(disable.code, 0, disable.stdout.slice(-3000) + disable.stderr);
  const s = await pair.status();
  for (const instance of ['SQLPRI01', 'SQLMIR01']) {
    for (const d of DATABASES) {
      assert.is(roleOf(s, instance, d)?.role, null);
      assert.is(roleOf(s, instance, d)?.state, 'ONLINE');
    }
  }
});

test('cleanup drops the endpoints, certificates, users and logins; a second cleanup has nothing to do', async () => {
  const first = await pair.mb('run', 'cleanup', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  const left = await pair.mb('run', 'cleanup', '--yes');
  assert.is(left.code, 0);
  for (const [step, outcome] of outcomes(left.stdout)) assert.is(outcome, 'already done', step);
});

test('the run anchors stay through cleanup; --drop-anchors removes them only when confirmed, audited, and the run that did it anchors itself', async () => {
  const refused = await pair.mb('run', 'failover', '--drop-anchors');
  assert.is(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, '--drop-anchors belongs to cleanup');
  const anchorsOn = async (instance: string) => (await pair.sql(instance, 'SELECT run_id FROM msdb.dbo.mirrorbook_run_anchors')).map((r) => String(r.run_id));
  const runs = (await pair.mb('runs', '--json')).stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);
  // Newest first: the two cleanups, …, the setup (every one of them reached both partners).
  for (const instance of ['SQLPRI01', 'SQLMIR01'])
    for (const id of [runs[0]!, runs[1]!, runs.at(-1)!])
      assert.ok((await anchorsOn(instance)).includes(id), `${instance} still holds the anchor of ${id} after two cleanups`);
  const unconfirmed = await pair.mb('run', 'cleanup', '--drop-anchors', '--yes');
  assert.is(unconfirmed.code, 3, unconfirmed.stdout.slice(-2000) + unconfirmed.stderr);
  const stopped = (JSON.parse((await pair.mb('runs', '--json')).stdout.split('\n')[0]!) as { id: string }).id;
  assert.ok((await anchorsOn('SQLPRI01')).includes(runs.at(-1)!), 'nothing dropped without the typed confirmation');
  const dropped = await pair.mb('resume', stopped, '--yes', '--confirm', 'mirrorbook_run_anchors');
  assert.is(dropped.code, 0, dropped.stdout.slice(-2000) + dropped.stderr);
  for (const instance of ['SQLPRI01', 'SQLMIR01'])
    assert.equal(await anchorsOn(instance), [stopped], `${instance}: only the anchor of the run that dropped them`);
  const audit = (await pair.mb('audit', '--run', stopped)).stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; sql: string | null });
  assert.ok(
    audit.some((r) => r.kind === 'run-start' && JSON.stringify(r).includes('--drop-anchors')),
    'the run-start record carries --drop-anchors',
  );
  assert.ok(
    audit.some((r) => r.kind === 'statement' && r.sql?.includes('DROP TABLE msdb.dbo.mirrorbook_run_anchors')),
    'the DROP TABLE is audited',
  );
});

test.run();
