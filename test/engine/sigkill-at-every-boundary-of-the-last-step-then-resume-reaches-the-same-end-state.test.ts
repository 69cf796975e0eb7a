import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXPECTED_LEDGER, firstBoundaryOf, killAtEach, uninterrupted } from './kill-and-resume.js';

test('SIGKILL at every boundary of the last step and after the final checkpoint, then resume', async () => {
  const { baseline, boundaries } = await uninterrupted();
  assert.equal(baseline.ledger, EXPECTED_LEDGER);
  const mine = boundaries.slice(firstBoundaryOf(boundaries, 4));
  assert.ok(
    mine.some((b) => b.startsWith('checkpoint:"done"')),
    'the final checkpoint is a boundary too',
  );
  assert.ok(mine.length >= 8, `${mine.length} boundaries`);
  assert.equal(await killAtEach(mine, baseline), []);
});

test.run();
