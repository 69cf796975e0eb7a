// `plan` shows every step with its exact T-SQL and secrets masked, and sends nothing that changes
// a server: the lab's batch logs show no statement from it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

const WRITES = /\b(CREATE|ALTER|DROP|GRANT|REVOKE|BACKUP|RESTORE)\b/i;

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
    const added = log.stdout.slice(before[i]!.stdout.length);
    assert.not.match(added, WRITES, `plan sent a change: ${added}`);
  }
});

test.run();
