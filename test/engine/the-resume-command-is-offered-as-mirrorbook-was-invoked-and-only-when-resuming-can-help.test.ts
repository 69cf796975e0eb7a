// The command that continues a run is printed the way the operator started mirrorbook (`npx
// mirrorbook …` under npm, the script as given otherwise) and only where resuming can help: a
// failure that may pass (a partner not reachable yet) offers it as is; one that stays until
// something is fixed (a missing permission) says to fix that first; a config error, and a pair
// another live run holds, offer no resume at all; a pair whose holder is gone offers that run's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, SOURCE_INVOCATION } from './cli-harness.js';

const RUN = ['run', 'ledger', '--yes', '--confirm', 'Patriot'];
/** What npm puts in the environment of `npx mirrorbook …` (npm exec). */
const NPX = { npm_command: 'exec' };
// The first test starts the CLI through tsx: the script as given, with its node options, is what it
// proves; the others say npx, and their processes start from the bundle.

test('a failure that may pass offers the resume command as mirrorbook was invoked: npx, or the script', async () => {
  const h = new Harness();
  try {
    const failed = await h.run(RUN, { MB_FIXTURE_FAIL: 'create-endpoint:3', ...NPX });
    assert.is(failed.code, 1, failed.stdout + failed.stderr);
    const runId = /run (\S+): failed/.exec(failed.stdout)?.[1];
    assert.ok(runId, failed.stdout);
    assert.match(failed.stdout, `\nto continue: npx mirrorbook resume ${runId}\n`);
    const again = await h.run(['resume', runId!], { MB_FIXTURE_FAIL: 'create-endpoint:3' });
    assert.match(again.stdout, `\nto continue: ${SOURCE_INVOCATION} resume ${runId}\n`);
  } finally {
    h.cleanup();
  }
});

test('a failure that stays until fixed says so: the hint first, then the resume for after the fix', async () => {
  const h = await Harness.bundled();
  try {
    const failed = await h.run(RUN, { MB_FIXTURE_FAIL: 'create-endpoint:3:15247', ...NPX });
    assert.is(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /error 15247: .*\n  hint: the mirrorbook login lacks the permission/);
    assert.match(failed.stdout, /\nonce that is fixed \(hint above\), continue: npx mirrorbook resume \S+\n/);
    assert.not.match(failed.stdout, /to continue:/);
    const json = await h.run(['resume', '--json'], { MB_FIXTURE_FAIL: 'create-endpoint:3:15247' });
    const finished = json.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; error?: { fixFirst?: boolean }; resumeCommand?: string })
      .find((e) => e.type === 'run-finished');
    assert.is(finished?.error?.fixFirst, true);
    assert.match(finished?.resumeCommand ?? '', / resume \S+/);
  } finally {
    h.cleanup();
  }
});

test('a config error offers no resume: nothing ran', async () => {
  const h = await Harness.bundled();
  try {
    const config = join(h.storePath, '..', 'mirrorbook.yaml');
    writeFileSync(config, 'pair:\n  principal: { server: sqlpri01, port: 1433 }\n');
    const result = await h.run(['run', 'setup', '--config', config, '--yes'], { MIRRORBOOK_RUNBOOKS: '', ...NPX });
    assert.is(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /pair\.mirror|pair\.principal/);
    assert.not.match(result.stdout + result.stderr, /resume/);
  } finally {
    h.cleanup();
  }
});

test("a pair held by a live run: wait, no resume; held by a run whose process is gone: that run's resume, as invoked", async () => {
  const h = await Harness.bundled();
  try {
    const holder = h.start(RUN, { MB_FIXTURE_WAIT_AT: 'apply-before:create-endpoint' });
    try {
      await h.waitForFile('waiting-at', holder);
      const second = await h.run(RUN, NPX);
      assert.is(second.code, 4, second.stdout + second.stderr);
      assert.match(
        second.stderr,
        /hint: wait for it to finish \(resuming or starting another run cannot help while it runs\); if you are sure it is gone, 'npx mirrorbook unlock --pair \S+'/,
      );
      assert.not.match(second.stdout + second.stderr, /resume \d/);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exit;
    }
    const heldId = h.withStore((store) => store.runs.latest()!.id);
    const third = await h.run(RUN, NPX);
    assert.is(third.code, 4, third.stdout + third.stderr);
    assert.match(third.stderr, `hint: continue that run with 'npx mirrorbook resume ${heldId}', or release the stale lock with 'npx mirrorbook unlock --pair `);
  } finally {
    h.cleanup();
  }
});

test.run();
