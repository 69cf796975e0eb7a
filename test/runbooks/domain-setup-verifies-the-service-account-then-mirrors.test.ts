// Domain setup against the lab: the service-account change is manual and verified through
// sys.dm_server_services; until it is made the step fails; after it, resume completes, and the
// Windows-authenticated endpoints carry a session to SYNCHRONIZED.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
  appendFileSync(pair.config, "auth:\n  mode: domain\n  serviceAccount: 'LAB\\sqlmirror'\n");
});
test.after(async () => {
  await pair?.stop();
});

test('plan shows the manual step and Windows endpoints, and changes nothing', async () => {
  const plan = await pair.mb('plan', 'domain-setup');
  assert.is(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /Services\.msc/);
  assert.match(plan.stdout, /CREATE LOGIN \[LAB\\sqlmirror\] FROM WINDOWS/);
  assert.match(plan.stdout, /AUTHENTICATION = WINDOWS NEGOTIATE/);
  assert.not.match(plan.stdout, /sysadmin/);
});

test('while the services run as the default account, the manual step does not pass', async () => {
  const run = await pair.mb('run', 'domain-setup', '--yes');
  assert.is.not(run.code, 0, run.stdout.slice(-2000));
  assert.match(run.stdout + run.stderr, /not LAB\\sqlmirror/);
});

test('after the service-account change, resume completes and mirroring reaches SYNCHRONIZED', async () => {
  for (const instance of ['SQLPRI01', 'SQLMIR01']) await pair.lab.control({ op: 'service-account', instance, account: 'LAB\\sqlmirror' });
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-3000) + resumed.stderr);
  assert.match(resumed.stdout, /runs as LAB\\sqlmirror/);
  const restore = await pair.mb('run', 'restore', '--yes');
  assert.is(restore.code, 0, restore.stdout.slice(-2000) + restore.stderr);
  const enable = await pair.mb('run', 'enable', '--yes');
  assert.is(enable.code, 0, enable.stdout.slice(-2000) + enable.stderr);
  await pair.waitFor('SQLPRI01', 'Patriot', 'SYNCHRONIZED', 'PRINCIPAL');
});

test.run();
