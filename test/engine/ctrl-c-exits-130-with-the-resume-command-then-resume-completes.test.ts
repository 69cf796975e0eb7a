import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness, runIdOf, SOURCE_INVOCATION } from './cli-harness.js';

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${signal} aborts the running statement, checkpoints, prints the resume command and exits ${code}`, async () => {
    const h = new Harness();
    try {
      const started = h.start(['run', 'ledger', '--yes', '--confirm', 'Patriot', '--store', h.storePath], {
        MB_FIXTURE_WAIT_AT: 'apply-before:create-endpoint',
      });
      await h.waitForFile('waiting-at', started);
      started.child.kill(signal);
      const exit = await started.exit;
      assert.is(exit.code, code, exit.stderr);
      const runId = runIdOf(exit.stdout);
      assert.match(exit.stdout, `to continue: ${SOURCE_INVOCATION} resume ${runId} --store ${h.storePath}`);
      h.withStore((store) => {
        const run = store.runs.get(runId)!;
        assert.is(run.status, 'interrupted');
        assert.is(run.exitCode, code);
        const endpoint = store.journal.forRun(runId).filter((e) => e.stepId === 'create-endpoint');
        assert.is(endpoint.length, 1);
        assert.is(endpoint[0]!.outcome?.status, 'aborted', 'the interrupted apply is on record');
        assert.is(store.locks.get('LABPRI+LABMIR'), undefined, 'the pair is released');
      });
      assert.not.ok(h.ledger().some((l) => l.endsWith('create-endpoint')));

      const resumed = await h.run(['resume', runId, '--store', h.storePath]);
      assert.is(resumed.code, 0, resumed.stderr + resumed.stdout);
      assert.equal(h.ledger(), ['LABPRI create-master-key', 'LABMIR drop-old-session', 'LABMIR create-endpoint', 'LABPRI grant-connect']);
    } finally {
      h.cleanup();
    }
  });
}

test.run();
