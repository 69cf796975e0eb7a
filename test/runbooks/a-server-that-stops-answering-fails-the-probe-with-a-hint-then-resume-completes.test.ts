// A probe or verify only reads; a server that does not answer one within the read limit is not
// answering (blocked, overloaded, a bad link). The run stops with a hint instead of hanging, and
// resumes once the server answers again. MIRRORBOOK_READ_TIMEOUT_MS shortens the 2-minute limit.
// Every query to the slowed server waits (the preflight's too, which has no read limit), so the delay
// is short; the limit is shorter still, and the lab never answers before the delay has passed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

test('a principal answering every query 0.3 s late fails the first probe with a hint; healed, resume completes', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'slow', ms: 300 });
  process.env.MIRRORBOOK_READ_TIMEOUT_MS = '100';
  const failed = await pair.mb('run', 'certificate-setup', '--yes');
  delete process.env.MIRRORBOOK_READ_TIMEOUT_MS;
  assert.is(failed.code, 1, failed.stdout.slice(-2000) + failed.stderr);
  const said = failed.stdout + failed.stderr;
  assert.match(said, /the probe of step '\S+' got no answer within 100 ms/);
  assert.match(said, /not answering read-only queries: check that it is up, not blocked/);
  assert.match(said, /to continue: .* resume \S+/);
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'slow', ms: 0 });
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
});

test.run();
