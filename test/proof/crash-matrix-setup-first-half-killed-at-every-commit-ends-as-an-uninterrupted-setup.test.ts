// Crash matrix, setup at its checkpoint boundaries, the first half of its steps
// (certificate-setup and the restore's checks): the runner is SIGKILLed right after
// every durable commit of those steps (intent, outcome, a step's end, a checkpoint) and resumed each
// time; the lab ends as after an uninterrupted setup, no statement that changes a server was
// received twice, and the audit verifies and names every such statement. The setup's other steps
// are in the other crash-matrix-setup-…-half file, its kills inside applies in
// crash-matrix-setup-killed-inside-every-apply….
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startMatrix, type Matrix } from './crash-harness.js';

let matrix: Matrix;
test.before(async () => {
  matrix = await startMatrix({ setupReference: true, halts: ['commit'], part: [1, 2] });
});
test.after(async () => {
  await matrix?.stop();
});

test('setup killed after every commit of its first half of steps ends as the uninterrupted setup', async () => {
  const { problems, kills } = await matrix.procedure('setup');
  for (const kind of ['intent:', 'outcome:'])
    assert.ok(
      kills.some((k) => k.startsWith(kind)),
      `no kill at a ${kind} commit: ${kills.join(' ')}`,
    );
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test.run();
