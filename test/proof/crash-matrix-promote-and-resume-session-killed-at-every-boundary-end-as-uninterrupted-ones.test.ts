// Crash matrix, the unplanned path: after an uninterrupted setup the principal goes down on both
// labs; promote (forced service) and, once it is back, resume-session are SIGKILLed at every durable
// commit and after every statement that changes a server, resumed each time; the labs end alike,
// no such statement was received twice, and the audit verifies and names them all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startMatrix, type Matrix } from './crash-harness.js';

let matrix: Matrix;
const DATABASES = ['Patriot', 'PatriotArchive'];
test.before(async () => {
  matrix = await startMatrix({ setUp: true });
});
test.after(async () => {
  await matrix?.stop();
});

test('promote killed at every boundary ends as the uninterrupted promote', async () => {
  await matrix.each(async (side) => {
    await side.pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'down' });
    for (const d of DATABASES) await side.pair.waitFor('SQLMIR01', d, 'DISCONNECTED');
  });
  const { problems, kills } = await matrix.procedure('promote', { confirm: 'SQLMIR01', instances: ['SQLMIR01'] });
  assert.ok(
    kills.some((k) => k.startsWith('sent:')),
    `kills inside applies: ${kills.join(' ')}`,
  );
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test('resume-session killed at every boundary ends as the uninterrupted resume-session', async () => {
  await matrix.each(async (side) => {
    await side.pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'up' });
    for (const d of DATABASES) await side.pair.waitFor('SQLPRI01', d, 'SUSPENDED', 'MIRROR');
  });
  const { problems, kills } = await matrix.procedure('resume-session');
  assert.ok(
    kills.some((k) => k.startsWith('sent:')),
    `kills inside applies: ${kills.join(' ')}`,
  );
  assert.equal(problems, [], `after ${kills.length} kills:\n${problems.join('\n')}`);
});

test.run();
