import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness } from './cli-harness.js';

const cases: [variant: string, expected: RegExp][] = [
  ['renamed', /step renamed: 'create-endpoint' is now 'create-endpoint-v2'/],
  ['reordered', /steps reordered: was .*create-endpoint, grant-connect; now .*grant-connect, create-endpoint/],
  ['sql', /step 'create-endpoint': planned T-SQL changed/],
  ['added', /step added: 'set-partner'/],
];

test('resuming with a changed procedure exits 2 naming what changed, and runs nothing', async () => {
  const h = await Harness.bundled();
  try {
    await h.killAt('apply-before:create-endpoint#1');
    const ledgerBefore = h.ledger();
    for (const [variant, expected] of cases) {
      const refused = await h.run(['resume', '--yes'], { MB_FIXTURE_VARIANT: variant });
      assert.is(refused.code, 2, `${variant}: ${refused.stderr}`);
      assert.match(refused.stderr, 'changed since the run started');
      assert.match(refused.stderr, expected);
      assert.equal(h.ledger(), ledgerBefore, `${variant}: nothing applied`);
    }
    const resumed = await h.run(['resume', '--yes']);
    assert.is(resumed.code, 0, resumed.stderr);
    assert.is(h.ledger().length, 4);
  } finally {
    h.cleanup();
  }
});

test.run();
