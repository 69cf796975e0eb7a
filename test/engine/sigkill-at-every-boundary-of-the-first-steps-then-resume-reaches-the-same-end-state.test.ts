import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXPECTED_LEDGER, firstBoundaryOf, killAtEach, uninterrupted } from './kill-and-resume.js';

test('SIGKILL at every boundary up to the destructive step (run start, manual step, checkpoints, intents, inside applies), then resume', async () => {
  const { baseline, boundaries } = await uninterrupted();
  assert.equal(baseline.ledger, EXPECTED_LEDGER);
  for (const kind of ['checkpoint:', 'intent:', 'outcome:', 'step:', 'apply-before:', 'apply-after:']) {
    assert.ok(
      boundaries.some((b) => b.startsWith(kind)),
      `boundary kind ${kind} traced`,
    );
  }
  const mine = boundaries.slice(0, firstBoundaryOf(boundaries, 2));
  assert.ok(mine.length >= 12, `${mine.length} boundaries`);
  assert.equal(await killAtEach(mine, baseline), []);
});

test.run();
