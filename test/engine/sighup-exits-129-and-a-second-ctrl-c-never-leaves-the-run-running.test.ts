import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness, runIdOf } from './cli-harness.js';

const RUN = ['run', 'ledger', '--yes', '--confirm', 'Patriot'];

test('SIGHUP (the terminal closed) is handled like SIGTERM: checkpoint, lock released, resume command, exit 129', async () => {
  const h = await Harness.bundled();
  try {
    const started = h.start([...RUN, '--store', h.storePath], { MB_FIXTURE_WAIT_AT: 'apply-before:create-endpoint' });
    await h.waitForFile('waiting-at', started);
    started.child.kill('SIGHUP');
    const exit = await started.exit;
    assert.is(exit.code, 129, exit.stderr);
    const runId = runIdOf(exit.stdout);
    assert.match(exit.stdout, `resume ${runId}`);
    h.withStore((store) => {
      const run = store.runs.get(runId)!;
      assert.is(run.status, 'interrupted');
      assert.is(run.exitCode, 129);
      assert.is(store.locks.get('LABPRI+LABMIR'), undefined, 'the pair is released');
    });
    const resumed = await h.run(['resume', runId, '--store', h.storePath]);
    assert.is(resumed.code, 0, resumed.stderr + resumed.stdout);
  } finally {
    h.cleanup();
  }
});

test('a second Ctrl-C during the shutdown exits 130 with the run recorded interrupted, never left running', async () => {
  const h = await Harness.bundled();
  try {
    const started = h.start([...RUN, '--store', h.storePath], { MB_FIXTURE_WAIT_AT: 'apply-before:create-endpoint' });
    await h.waitForFile('waiting-at', started);
    started.child.kill('SIGINT');
    started.child.kill('SIGINT');
    const exit = await started.exit;
    assert.is(exit.code, 130, exit.stderr);
    h.withStore((store) => {
      const [run] = store.runs.list();
      assert.is(run!.status, 'interrupted', `${exit.stdout}\n${exit.stderr}`);
      assert.is(store.locks.get('LABPRI+LABMIR'), undefined, 'the pair is released');
      assert.match(`${exit.stdout}${exit.stderr}`, `resume ${run!.id}`);
    });
  } finally {
    h.cleanup();
  }
});

test.run();
