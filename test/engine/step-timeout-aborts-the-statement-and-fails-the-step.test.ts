import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness } from './cli-harness.js';

test('a statement that outlives the step timeout is cancelled through its signal; retries, then exit 1', async () => {
  const h = await Harness.bundled();
  try {
    const exit = await h.run(['run', 'ledger', '--yes', '--confirm', 'Patriot'], {
      MB_FIXTURE_WAIT_AT: 'apply-before:create-endpoint',
      MB_FIXTURE_TIMEOUT_MS: '200',
    });
    assert.is(exit.code, 1, exit.stdout + exit.stderr);
    assert.match(exit.stdout, /step 'create-endpoint' did not finish within 200 ms/);
    assert.not.ok(h.ledger().some((l) => l.endsWith('create-endpoint')));
    h.withStore((store) => {
      const run = store.runs.latest()!;
      const attempts = store.journal.forRun(run.id).filter((e) => e.stepId === 'create-endpoint');
      assert.equal(
        attempts.map((a) => a.outcome?.status),
        ['error', 'error', 'error'],
        'three attempts (retry policy), each recorded',
      );
      assert.is(run.status, 'failed');
    });
  } finally {
    h.cleanup();
  }
});

test.run();
