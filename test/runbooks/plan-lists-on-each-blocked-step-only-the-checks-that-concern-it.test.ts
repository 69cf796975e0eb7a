// `plan` against the live pair blocks a step only by the ✗ checks that concern it — by database
// (a misspelt one blocks that database's backup, restore and partnering, not the other database's),
// by server (a mirror whose clock is days behind blocks what is sent to the mirror, not what runs
// on the principal alone) and by what the step needs (the mirror's access to the backups blocks the
// restores) — while the header says the run as a whole refuses to start until every ✗ is fixed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { startPairLab, type PairLab } from './pair-lab.js';
import { concerns } from '../../preflight/concerns.js';
import type { Finding } from '../../preflight/check.js';
import type { StepDefinition } from '../../machines/procedure.js';

interface PlanStep {
  id: string;
  target: string;
  statements: { target: string }[];
  live: { state: string; checks?: string[] };
}

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(() => pair?.stop());

async function plan(procedure: string): Promise<{ steps: PlanStep[]; text: string }> {
  const json = await pair.mb('plan', procedure, '--json');
  const text = await pair.mb('plan', procedure);
  return { steps: (JSON.parse(json.stdout) as { steps: PlanStep[] }).steps, text: text.stdout };
}

test("a misspelt database blocks that database's steps only, by the database check", async () => {
  const original = readFileSync(pair.config, 'utf8');
  writeFileSync(pair.config, `${original}databases:\n  - "Patriott"\n  - "PatriotArchive"\n`);
  const { steps, text } = await plan('setup');
  const byId = (id: string) => steps.find((s) => s.id === id)!;
  for (const id of ['principal.backup-full.Patriott', 'mirror.restore-full.Patriott', 'principal.set-partner.Patriott']) {
    assert.equal(byId(id).live, { ...byId(id).live, state: 'blocked', checks: ['database (SQLPRI01)'] }, id);
  }
  for (const id of ['principal.backup-full.PatriotArchive', 'mirror.restore-full.PatriotArchive', 'principal.master-key', 'mirror.endpoint']) {
    assert.is(byId(id).live.state, 'will-change', `${id}: ${JSON.stringify(byId(id).live)}`);
    assert.is(byId(id).live.checks, undefined);
  }
  assert.match(text, /run refuses to start while a check is ✗ \(mirrorbook check setup\): database \(SQLPRI01\)/);
  assert.match(text, /\[principal\.backup-full\.Patriott\] on principal\n\s+✗ blocked by check database \(SQLPRI01\)/);
  assert.match(text, /\[principal\.backup-full\.PatriotArchive\] on principal\n\s+\+ will change/);
  writeFileSync(pair.config, original);
});

test('a mirror whose clock is days behind blocks the steps that send to the mirror, not those on the principal alone', async () => {
  const skew = await pair.lab.cli('fault', 'SQLMIR01', 'clock', '-3d');
  assert.is(skew.code, 0, skew.stderr);
  const { steps } = await plan('setup');
  const reaches = (s: PlanStep, role: string) => s.target === role || s.statements.some((st) => st.target === role);
  const onMirror = steps.filter((s) => reaches(s, 'mirror') && s.live.state !== 'already-done');
  const principalOnly = steps.filter((s) => !reaches(s, 'mirror') && s.target !== 'operator');
  assert.ok(onMirror.length > 3 && principalOnly.length > 3);
  for (const s of onMirror) assert.ok(s.live.checks?.includes('certificate-dates (SQLMIR01)'), `${s.id}: ${JSON.stringify(s.live)}`);
  for (const s of principalOnly) assert.ok(!s.live.checks?.includes('certificate-dates (SQLMIR01)'), `${s.id}: ${JSON.stringify(s.live)}`);
  assert.ok(principalOnly.some((s) => s.live.state === 'will-change'));
  await pair.lab.cli('fault', 'SQLMIR01', 'clock', '0');
});

test("what a step needs: the mirror's access to the backups concerns the restores and the copy, of the database it names", () => {
  const step = (id: string, database?: string): StepDefinition => ({
    id,
    title: id,
    target: 'mirror',
    ...(database ? { database } : {}),
    probe: async () => ({ done: false }),
    apply: async () => {},
    verify: async () => ({ done: true }),
    plan: () => [],
  });
  const share: Finding = { check: 'mirror-reads-backups', server: 'SQLMIR01', role: 'mirror', verdict: 'fail', found: 'cannot read', hint: 'grant' };
  assert.ok(concerns(share, step('mirror.restore-full.Patriot', 'Patriot')));
  assert.ok(concerns(share, step('mirror.copy-seed-backups.Patriot', 'Patriot')));
  assert.not.ok(concerns(share, step('mirror.endpoint')));
  assert.not.ok(concerns(share, step('mirror.master-key')));
  const noBackup: Finding = { ...share, server: 'SQLPRI01', role: 'principal', databases: ['PatriotArchive'] };
  assert.ok(concerns(noBackup, step('mirror.restore-full.PatriotArchive', 'PatriotArchive')));
  assert.not.ok(concerns(noBackup, step('mirror.restore-full.Patriot', 'Patriot')));
  const config: Finding = { check: 'config', server: 'config', verdict: 'fail', found: 'x', hint: 'y' };
  assert.ok(concerns(config, step('mirror.endpoint')));
});

test.run();
