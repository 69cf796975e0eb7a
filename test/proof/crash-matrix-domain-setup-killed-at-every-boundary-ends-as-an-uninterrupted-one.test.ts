// Crash matrix, domain setup (Windows-authenticated endpoints, the service account's login and
// CONNECT): with the service account already changed on both labs, the runner is SIGKILLed at every
// durable commit and after every statement that changes a server, resumed each time; the labs end
// alike, no such statement was received twice, and the audit verifies and names them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startMatrix, type Matrix } from './crash-harness.js';

let matrix: Matrix;
test.before(async () => {
  matrix = await startMatrix({ config: "auth:\n  mode: domain\n  serviceAccount: 'LAB\\sqlmirror'\n" });
  await matrix.each(async (side) => {
    for (const instance of ['SQLPRI01', 'SQLMIR01']) await side.pair.lab.control({ op: 'service-account', instance, account: 'LAB\\sqlmirror' });
  });
});
test.after(async () => {
  await matrix?.stop();
});

test('domain-setup killed at every boundary ends as the uninterrupted domain-setup', async () => {
  const { problems, kills } = await matrix.procedure('domain-setup');
  assert.ok(
    kills.some((k) => k.startsWith('sent:')),
    `kills inside applies: ${kills.join(' ')}`,
  );
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test.run();
