// Crash matrix, taking mirroring down: after an uninterrupted setup on both labs, disable and then
// cleanup are SIGKILLed at every durable commit and after every statement that changes a server,
// resumed each time; the labs end alike, no such statement was received twice, and the audit
// verifies and names them all.
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

test('disable killed at every boundary ends as the uninterrupted disable', async () => {
  const { problems, kills } = await matrix.procedure('disable', { confirm: 'SQLPRI01' });
  assert.ok(
    kills.some((k) => k.startsWith('sent:')),
    `kills inside applies: ${kills.join(' ')}`,
  );
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test('cleanup killed at every boundary ends as the uninterrupted cleanup', async () => {
  const { problems, kills } = await matrix.procedure('cleanup', { confirm: 'Endpoint_Mirroring' });
  assert.ok(
    kills.some((k) => k.startsWith('sent:')),
    `kills inside applies: ${kills.join(' ')}`,
  );
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test.run();
