import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness } from './cli-harness.js';

const RUN = ['run', 'ledger', '--yes', '--confirm', 'Patriot'];

test('a step failing fewer times than its retry policy allows is retried and the run completes', async () => {
  const h = await Harness.bundled();
  try {
    const exit = await h.run(RUN, { MB_FIXTURE_FAIL: 'create-endpoint:2' });
    assert.is(exit.code, 0, exit.stdout + exit.stderr);
    assert.match(exit.stdout, /retry 1 of 2/);
    assert.match(exit.stdout, /retry 2 of 2/);
    h.withStore((store) => {
      const run = store.runs.latest()!;
      const attempts = store.journal.forRun(run.id).filter((e) => e.stepId === 'create-endpoint');
      assert.equal(
        attempts.map((a) => [a.attempt, a.outcome?.status, a.outcome?.errorNumber ?? null]),
        [
          [1, 'error', 1418],
          [2, 'error', 1418],
          [3, 'ok', null],
        ],
      );
      const statements = store.audit.forRun(run.id).filter((a) => a.kind === 'statement' && a.errorNumber === 1418);
      assert.is(statements.length, 2, 'each failed statement is audited with its error number');
    });
  } finally {
    h.cleanup();
  }
});

test('retries exhausted without a terminal: exit 1 with the error and the resume command; resume completes', async () => {
  const h = await Harness.bundled();
  try {
    const failed = await h.run(RUN, { MB_FIXTURE_FAIL: 'create-endpoint:3' });
    assert.is(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /step create-endpoint: FAILED .*error 1418/);
    assert.match(failed.stdout, /to continue: .* resume \S+/);
    assert.not.ok(
      h.ledger().some((l) => l.endsWith('grant-connect')),
      'nothing after the failed step ran',
    );
    const resumed = await h.run(['resume']);
    assert.is(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.is(h.ledger().length, 4);
  } finally {
    h.cleanup();
  }
});

test.run();
