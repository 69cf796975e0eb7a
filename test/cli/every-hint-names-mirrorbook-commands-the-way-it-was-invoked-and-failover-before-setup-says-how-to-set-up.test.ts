// Hints are written with `mirrorbook <command>` where the words are chosen (steps, checks, the
// store); where they reach the operator they say it the way mirrorbook was started — `npx
// mirrorbook …` under npm — so each can be pasted. On a fresh lab, `failover` before any setup is
// refused by its preflight saying mirroring is not set up and how to set it up (exit 1, nothing sent).
// The CLI runs as a process of its own here: how it was started is what is tested.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asInvoked } from '../../cli/as-invoked.js';
import { inkOperator } from '../../ui/ink-operator.js';
import { createRunStore } from '../../ui/run-store.js';
import { stepDefinition } from '../ui/run-view-harness.js';
import { runCliProcess, startTestLab, type TestLab } from '../helpers/lab.js';

/** What npm puts in the environment of `npx mirrorbook …` (npm exec). */
const NPX = { npm_command: 'exec' };
/** A mirrorbook command named without the way it was invoked. */
const BARE = /(?<!npx )\bmirrorbook (run|plan|lab|status|check|resume|runs|show|audit|init|demo|unlock|monitor|connection-string|--help)(?![\w:-])/;

let lab: TestLab;
test.before(async () => {
  lab = await startTestLab();
});
test.after(async () => {
  await lab?.stop();
});

test('asInvoked rewrites each named command once, and leaves other words alone', () => {
  const self = 'npx mirrorbook';
  assert.is(asInvoked("run 'mirrorbook run sync-logins' at this point", self), "run 'npx mirrorbook run sync-logins' at this point");
  assert.is(asInvoked('continue: npx mirrorbook resume 2026', self), 'continue: npx mirrorbook resume 2026');
  assert.is(
    asInvoked('the mirrorbook login lacks it; see mirrorbook.yaml; mirrorbook: error', self),
    'the mirrorbook login lacks it; see mirrorbook.yaml; mirrorbook: error',
  );
  assert.is(asInvoked('`mirrorbook lab start` then mirrorbook status', 'node dist/cli.js'), '`node dist/cli.js lab start` then node dist/cli.js status');
  assert.is(asInvoked('mirrorbook plan setup', 'mirrorbook'), 'mirrorbook plan setup');
});

test("the run view's failure panel says the hint's command as invoked", async () => {
  const store = createRunStore({ frameMs: 0 });
  const controller = new AbortController();
  const operator = inkOperator({ name: 'dba', store, signal: controller.signal, say: (text) => asInvoked(text, 'npx mirrorbook') });
  const failed = Object.assign(new Error('login Patriot is missing on the mirror'), { hint: "run 'mirrorbook run sync-logins', then retry" });
  const choice = operator.onFailure(stepDefinition('partner'), failed, ['retry', 'abort']);
  const prompt = store.getState().prompt;
  assert.is(prompt?.kind, 'failure');
  assert.is(prompt?.kind === 'failure' ? prompt.error.hint : undefined, "run 'npx mirrorbook run sync-logins', then retry");
  operator.answer('abort');
  assert.is(await choice, 'abort');
});

test('failover before setup: "mirroring is not set up", how to set it up as invoked, exit 1, nothing changed', async () => {
  const store = join(lab.dir, 'state.db');
  const result = await runCliProcess(['run', 'failover', '--yes', '--config', join(lab.dir, 'mirrorbook.yaml'), '--store', store], NPX);
  assert.is(result.code, 1, result.stdout + result.stderr);
  const text = result.stdout + result.stderr;
  assert.match(text, /no database 'Patriot' while SQLPRI01 has it: mirroring is not set up/);
  assert.match(text, /'npx mirrorbook plan setup' shows what it does, 'npx mirrorbook run setup' does it/);
  assert.not.match(text, /correct databases: in the config|SAFETY \?/, 'not a config mistake, not an unknown safety');
  assert.not.match(text, BARE, text);
  const log = await lab.cli('log', 'SQLPRI01');
  assert.not.match(log.stdout, /SET PARTNER|FAILOVER/, 'nothing was sent');
});

test('usage errors and lab hints name commands as invoked', async () => {
  const unnamed = await runCliProcess(['plan'], NPX);
  assert.is(unnamed.code, 2);
  assert.match(unnamed.stderr, /npx mirrorbook plan <procedure> shows what one does/);
  assert.not.match(unnamed.stderr, BARE, unnamed.stderr);
  const typo = await runCliProcess(['stauts'], NPX);
  assert.is(typo.code, 2);
  assert.match(typo.stderr, /did you mean 'npx mirrorbook status'\? run 'npx mirrorbook --help'/);
  const empty = mkdtempSync(join(tmpdir(), 'mb-no-lab-'));
  try {
    const status = await runCliProcess(['lab', 'status', '--dir', empty], NPX);
    assert.is(status.code, 1, status.stdout + status.stderr);
    assert.match(status.stderr, /start one with: npx mirrorbook lab start --dir /);
    assert.not.match(status.stderr, BARE, status.stderr);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test.run();
