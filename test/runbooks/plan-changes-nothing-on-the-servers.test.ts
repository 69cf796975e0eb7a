// `plan` shows every step with its exact T-SQL and secrets masked, and sends nothing that changes
// a server: the lab's batch logs show no statement from it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPairLab, type PairLab } from './pair-lab.js';
import { changesServer } from '../../machines/statement-kind.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

test('plan setup and plan --json list the steps and change nothing', async () => {
  const before = await Promise.all(['SQLPRI01', 'SQLMIR01'].map((i) => pair.lab.cli('log', i)));
  const plan = await pair.mb('plan', 'setup');
  assert.is(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'\*\*\*\*'/);
  assert.match(plan.stdout, /SET PARTNER = N'TCP:\/\/sqlpri01\.lab\.local:1430'/);
  const secret = readFileSync(join(pair.lab.dir, 'credentials', 'master-key.password'), 'utf8').trim();
  assert.not.ok(plan.stdout.includes(secret));
  const json = await pair.mb('plan', 'setup', '--json');
  assert.is(json.code, 0, json.stderr);
  assert.not.ok(json.stdout.includes(secret));
  const after = await Promise.all(['SQLPRI01', 'SQLMIR01'].map((i) => pair.lab.cli('log', i)));
  for (const [i, log] of after.entries()) {
    // The live plan probes (reads); the one classifier says whether any batch could change a server.
    const added = log.stdout
      .slice(before[i]!.stdout.length)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { sql: string }).sql);
    assert.ok(added.length > 0, 'the live plan read the servers');
    assert.equal(added.filter(changesServer), [], 'plan sent a change');
  }
});

test('against the live pair each step is marked already done, will change or blocked by a check; --offline does not connect', async () => {
  const fresh = await pair.mb('plan', 'setup');
  assert.match(fresh.stdout, /probed the servers \(reads only\): \d+ already done · \d+ will change · 0 blocked/);
  assert.match(fresh.stdout, /\[principal\.master-key\] on principal\n\s+\+ will change: no master key in master/);
  const blocked = await pair.mb('plan', 'failover', '--json');
  const steps = (JSON.parse(blocked.stdout) as { steps: { id: string; live: { state: string; checks?: string[] } }[] }).steps;
  assert.ok(
    steps.every((s) => s.live.state === 'blocked'),
    'nothing is mirrored yet: the failover is blocked',
  );
  assert.ok(steps.some((s) => s.live.checks?.some((c) => c.startsWith('database (SQLMIR01)'))));
  const auth = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(auth.code, 0, auth.stdout.slice(-1500) + auth.stderr);
  const after = await pair.mb('plan', 'setup');
  assert.match(after.stdout, /\[principal\.master-key\] on principal\n\s+= already done/);
  assert.match(after.stdout, /\[mirror\.no-application-sessions\] on mirror[^\n]*\n\s+= already done|\+ will change/);
  const offline = await pair.mb('plan', 'setup', '--offline');
  assert.not.match(offline.stdout, /probed the servers|already done|will change/);
});

test.run();
