// Crash matrix, planned failover and failback: after an uninterrupted setup on both labs, each
// procedure's runner is SIGKILLed at every durable commit and after every statement that changes a
// server, resumed each time; the lab ends as after an uninterrupted run, no such statement was
// received twice, and the audit verifies and names them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startMatrix, type Matrix } from './crash-harness.js';

let matrix: Matrix;
test.before(async () => {
  matrix = await startMatrix({ setUp: true });
});
test.after(async () => {
  await matrix?.stop();
});

for (const procedure of ['failover', 'failback']) {
  test(`${procedure} killed at every boundary ends as the uninterrupted ${procedure}`, async () => {
    const { problems, kills } = await matrix.procedure(procedure);
    assert.ok(
      kills.some((k) => k.startsWith('sent:')),
      `kills inside applies: ${kills.join(' ')}`,
    );
    assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
  });
}

test.run();
