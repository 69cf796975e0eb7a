import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXPECTED_LEDGER, firstBoundaryOf, killAtEach, uninterrupted } from './kill-and-resume.js';

test('SIGKILL at every boundary of the destructive step and the retried step (inside applies too), then resume', async () => {
  const { baseline, boundaries } = await uninterrupted();
  assert.equal(baseline.ledger, EXPECTED_LEDGER);
  const mine = boundaries.slice(firstBoundaryOf(boundaries, 2), firstBoundaryOf(boundaries, 4));
  assert.ok(
    mine.some((b) => b.startsWith('apply-after:drop-old-session')),
    'inside the destructive apply',
  );
  assert.ok(mine.length >= 14, `${mine.length} boundaries`);
  assert.equal(await killAtEach(mine, baseline), []);
});

test.run();
