// Crash matrix, setup (certificate-setup, restore, enable): the runner SIGKILLed at every durable
// commit and after every statement that changes a server, resumed each time, ends with the same lab
// as an uninterrupted setup, no such statement received twice, and an audit that names them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startMatrix, type Matrix } from './crash-harness.js';

let matrix: Matrix;
test.before(async () => {
  matrix = await startMatrix();
});
test.after(async () => {
  await matrix?.stop();
});

test('setup killed at every boundary ends as the uninterrupted setup', async () => {
  const { problems, kills } = await matrix.procedure('setup');
  assert.ok(kills.some((k) => k.startsWith('sent:')), `kills inside applies: ${kills.join(' ')}`);
  assert.ok(kills.some((k) => k.startsWith('intent:')) && kills.some((k) => k.startsWith('outcome:')), `kills at commits: ${kills.join(' ')}`);
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test.run();
