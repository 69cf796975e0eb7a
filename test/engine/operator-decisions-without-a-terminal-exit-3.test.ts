import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness } from './cli-harness.js';

test('a manual step without --yes: exit 3, the resume command, nothing after it ran', async () => {
  const h = await Harness.bundled();
  try {
    const exit = await h.run(['run', 'ledger']);
    assert.is(exit.code, 3, exit.stdout + exit.stderr);
    assert.match(exit.stdout, /needs-operator \(exit 3\)/);
    assert.match(exit.stdout, /hint: .*--yes/);
    assert.equal(h.ledger(), ['LABPRI create-master-key']);
    const resumed = await h.run(['resume', '--yes']);
    assert.is(resumed.code, 3, 'the destructive step still needs its typed confirmation');
    assert.match(resumed.stdout, /--confirm 'Patriot'/);
    const wrong = await h.run(['resume', '--yes', '--confirm', 'patriot']);
    assert.is(wrong.code, 3);
    assert.match(wrong.stdout, /does not match/);
    assert.equal(h.ledger(), ['LABPRI create-master-key'], '--yes never approves a destructive step');
    const done = await h.run(['resume', '--confirm', 'Patriot']);
    assert.is(done.code, 0, done.stdout + done.stderr);
    assert.is(h.ledger().length, 4);
  } finally {
    h.cleanup();
  }
});

test('a destructive step in doubt is not re-applied without the operator', async () => {
  const h = await Harness.bundled();
  try {
    await h.killAt('apply-before:drop-old-session#1');
    const resumed = await h.run(['resume', '--yes']);
    assert.is(resumed.code, 3, resumed.stdout + resumed.stderr);
    assert.match(resumed.stdout, /did not take effect|not yet/);
    assert.not.ok(h.ledger().some((l) => l.endsWith('drop-old-session')));
    const confirmed = await h.run(['resume', '--yes', '--confirm', 'Patriot']);
    assert.is(confirmed.code, 0, confirmed.stdout + confirmed.stderr);
    assert.is(h.ledger().filter((l) => l.endsWith('drop-old-session')).length, 1);
  } finally {
    h.cleanup();
  }
});

test('a destructive step whose interrupted apply took effect is recorded already done, without asking', async () => {
  const h = await Harness.bundled();
  try {
    await h.killAt('apply-after:drop-old-session#1');
    const resumed = await h.run(['resume', '--yes']);
    assert.is(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.is(h.ledger().filter((l) => l.endsWith('drop-old-session')).length, 1);
    h.withStore((store) => {
      const run = store.runs.latest()!;
      const outcome = store.audit.forRun(run.id).find((a) => a.kind === 'outcome' && a.stepId === 'drop-old-session');
      assert.match(outcome?.message ?? '', /already done/);
    });
  } finally {
    h.cleanup();
  }
});

test.run();
