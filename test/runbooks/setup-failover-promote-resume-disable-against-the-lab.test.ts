// The whole life of a pair, through the real CLI against the lab: setup, setup again (nothing to
// do), failover and back, principal down → promote, principal back → resume, disable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { outcomes, startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
const DATABASES = ['Patriot', 'PatriotArchive'];

test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

const roleOf = (s: Awaited<ReturnType<PairLab['status']>>, instance: string, database: string) =>
  s.partners.find((p) => p.instance === instance)?.databases.find((d) => d.name === database);

test('setup runs certificate-setup, restore and enable to SYNCHRONIZED', async () => {
  const run = await pair.mb('run', 'setup', '--yes');
  assert.is(run.code, 0, run.stdout.slice(-3000) + run.stderr);
  const s = await pair.status();
  for (const d of DATABASES) {
    assert.is(roleOf(s, 'SQLPRI01', d)?.role, 'PRINCIPAL');
    assert.is(roleOf(s, 'SQLPRI01', d)?.mirroringState, 'SYNCHRONIZED');
    assert.is(roleOf(s, 'SQLMIR01', d)?.role, 'MIRROR');
    assert.is(roleOf(s, 'SQLPRI01', d)?.safety, 'FULL');
    assert.type((roleOf(s, 'SQLPRI01', d) as { sendQueueKb?: unknown })?.sendQueueKb, 'number', 'status shows the send queue');
  }
  const text = await pair.mb('status');
  assert.match(text.stdout, /Patriot\s+PRINCIPAL\s+SYNCHRONIZED\s+FULL/);
  const healthy = await pair.mb('monitor', '--once');
  assert.is(healthy.code, 0, healthy.stdout);
});

test('setup a second time changes nothing: every step is already done', async () => {
  const run = await pair.mb('run', 'setup', '--yes');
  assert.is(run.code, 0, run.stdout.slice(-3000) + run.stderr);
  const seen = outcomes(run.stdout);
  assert.ok(seen.size > 20);
  for (const [step, outcome] of seen) assert.is(outcome, 'already done', `${step} was ${outcome}`);
});

test('connection-string names the Failover Partner', async () => {
  const out = await pair.mb('connection-string', '--database', 'Patriot');
  assert.is(out.code, 0, out.stderr);
  assert.match(out.stdout, /Failover Partner=/);
});

test('failover moves every database to the mirror; failback moves them back', async () => {
  const over = await pair.mb('run', 'failover', '--yes');
  assert.is(over.code, 0, over.stdout.slice(-3000) + over.stderr);
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'SYNCHRONIZED', 'PRINCIPAL');
  const again = await pair.mb('run', 'failover', '--yes');
  assert.is(again.code, 0);
  for (const [, outcome] of outcomes(again.stdout)) assert.is(outcome, 'already done');
  const back = await pair.mb('run', 'failback', '--yes');
  assert.is(back.code, 0, back.stdout.slice(-3000) + back.stderr);
  for (const d of DATABASES) await pair.waitFor('SQLPRI01', d, 'SYNCHRONIZED', 'PRINCIPAL');
});

test('principal down: monitor is critical, promote needs the typed name and records the data loss', async () => {
  const down = await pair.lab.cli('fault', 'SQLPRI01', 'down');
  assert.is(down.code, 0, down.stderr);
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
  const up = await pair.lab.cli('fault', 'SQLPRI01', 'up');
  assert.is(up.code, 0, up.stderr);
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
  const first = await pair.mb('run', 'cleanup', '--yes');
  assert.is(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  const left = await pair.mb('run', 'cleanup', '--yes');
  assert.is(left.code, 0);
  for (const [step, outcome] of outcomes(left.stdout)) assert.is(outcome, 'already done', step);
});

test.run();
