// A planned failover that stops after one database moved (the partner isolated mid-way) says how
// to bring the databases together; resuming moves the rest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/lab.js';
import { type PairLab } from './pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';

let pair: PairLab;
test.before(async () => {
  pair = await startSetUpPair();
});
test.after(async () => {
  await pair?.stop();
});

test('a failover that stops after one database moved says how to bring them together; resume does', async () => {
  await pair.waitFor('SQLPRI01', 'PatriotArchive', 'SYNCHRONIZED', 'PRINCIPAL');
  // The principal slowed once the run has started (not through its preflight; the first failover
  // alone takes the lab a second): the isolation lands between the second database's step and its
  // statement.
  const run = pair.mbUntil(/^\S+ starting failover /m, 'run', 'failover', '--yes');
  await run.reached;
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'slow', ms: 400 });
  await waitFor('the step of PatriotArchive', () => /step failover-to-mirror\.PatriotArchive /.test(run.output()), 60_000, 10);
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'isolate' });
  const failed = await run.done;
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'slow', ms: 0 });
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout, /databases are split: Patriot already on SQLMIR01, PatriotArchive still on SQLPRI01/);
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'heal' });
  await pair.waitFor('SQLMIR01', 'PatriotArchive', 'SYNCHRONIZED', 'MIRROR');
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
  await pair.waitFor('SQLMIR01', 'PatriotArchive', 'SYNCHRONIZED', 'PRINCIPAL');
  await pair.waitFor('SQLMIR01', 'Patriot', 'SYNCHRONIZED', 'PRINCIPAL');
});

test.run();
