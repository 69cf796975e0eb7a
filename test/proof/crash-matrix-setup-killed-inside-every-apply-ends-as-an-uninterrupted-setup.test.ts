// Crash matrix, setup (certificate-setup, restore, enable) inside its applies: the runner is
// SIGKILLed after every statement that changes a server has returned — the lab executed it, the
// journal holds an intent without an outcome — and resumed each time; the resume's probe must see
// the effect, so the lab ends as after an uninterrupted setup, no such statement was received
// twice, and the audit verifies and names every one (the intent names what the lost statement
// record would have). (Kills at the commits: crash-matrix-setup-killed-at-every-commit….)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startMatrix, type Matrix } from './crash-harness.js';

let matrix: Matrix;
test.before(async () => {
  matrix = await startMatrix({ setupReference: true, halts: ['statement'] });
});
test.after(async () => {
  await matrix?.stop();
});

test('setup killed inside every apply ends as the uninterrupted setup', async () => {
  const { problems, kills } = await matrix.procedure('setup');
  for (const step of ['certificate', 'backup-full', 'restore-logs', 'set-partner'])
    assert.ok(
      kills.some((k) => k.startsWith('sent:') && k.includes(`.${step}`)),
      `no kill inside a ${step} apply: ${kills.join(' ')}`,
    );
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test.run();
