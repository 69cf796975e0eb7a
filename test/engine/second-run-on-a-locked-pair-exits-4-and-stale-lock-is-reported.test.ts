import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness, SOURCE_INVOCATION } from './cli-harness.js';

const RUN = ['run', 'ledger', '--yes', '--confirm', 'Patriot'];

test('a second run on a held pair exits 4 naming the holder; unlock of a live holder needs --force; a dead holder is reported stale; unlock is audited', async () => {
  const h = new Harness();
  try {
    const first = h.start(RUN, { MB_FIXTURE_HALT_AT: 'apply-after:create-endpoint#1' });
    await h.waitForFile('halted-at', first);
    const firstPid = first.child.pid!;

    const second = await h.run(RUN);
    assert.is(second.code, 4, second.stderr);
    assert.match(second.stderr, 'locked by another run');
    assert.match(second.stderr, `pid ${firstPid}`);
    const live = await h.run(['unlock', '--pair', 'LABPRI+LABMIR']);
    assert.is(live.code, 4, 'a holder that is alive is not released without --force');
    assert.match(live.stderr, `pid ${firstPid}`);
    assert.match(live.stderr, '--force');
    h.withStore((store) => assert.ok(store.locks.get('LABPRI+LABMIR'), 'still held'));
    assert.match(second.stderr, "running 'ledger'");
    assert.match(second.stderr, / since \d{4}-\d\d-\d\dT/);
    assert.match(second.stderr, /root|@/);

    first.child.kill('SIGKILL');
    await first.exit;
    const stale = await h.run(RUN);
    assert.is(stale.code, 4);
    assert.match(stale.stderr, 'a process that is gone');
    assert.match(stale.stderr, `${SOURCE_INVOCATION} unlock --pair LABPRI+LABMIR`);

    const unlock = await h.run(['unlock', '--pair', 'LABPRI+LABMIR', '--operator', 'night-dba', '--reason', 'process killed']);
    assert.is(unlock.code, 0, unlock.stderr);
    assert.match(unlock.stdout, `pid ${firstPid}`);
    h.withStore((store) => {
      assert.is(store.locks.get('LABPRI+LABMIR'), undefined);
      assert.ok(store.audit.verify().ok);
    });
    const exported = await h.run(['audit', '--format', 'ndjson']);
    const records = exported.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; operator: string });
    const unlocks = records.filter((r) => r.kind === 'unlock');
    assert.is(unlocks.length, 1);
    assert.is(unlocks[0]!.operator, 'night-dba');

    const after = await h.run(RUN);
    assert.is(after.code, 0, after.stderr);
    assert.equal(h.ledger().filter((l) => l.endsWith('create-endpoint')).length, 1, 'the new run probes create-endpoint as done');
  } finally {
    h.cleanup();
  }
});

test('resume of the run whose process died takes its own stale lock back', async () => {
  const h = await Harness.bundled();
  try {
    await h.killAt('intent:grant-connect#1');
    const resumed = await h.run(['resume']);
    assert.is(resumed.code, 0, resumed.stderr);
    h.withStore((store) => {
      const run = store.runs.latest()!;
      assert.ok(store.audit.forRun(run.id).some((a) => a.kind === 'note' && /lock on LABPRI\+LABMIR taken back/.test(a.message ?? '')));
      assert.is(store.locks.get('LABPRI+LABMIR'), undefined, 'released at the end');
    });
  } finally {
    h.cleanup();
  }
});

test.run();
