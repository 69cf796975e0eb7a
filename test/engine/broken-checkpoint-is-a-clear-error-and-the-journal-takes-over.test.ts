import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness } from './cli-harness.js';

const broken: [what: string, snapshot: unknown][] = [
  ['a state the machine does not have', { status: 'active', value: { s9: 'nowhere' }, historyValue: {}, context: { position: 9 }, children: {} }],
  ['not a snapshot at all', 'garbage'],
  ['an error snapshot', { status: 'error', value: { s3: 'apply' }, error: 'boom', historyValue: {}, context: {}, children: {} }],
];

for (const [what, snapshot] of broken) {
  test(`a checkpoint holding ${what}: resume says so and continues from the journal`, async () => {
    const h = await Harness.bundled();
    try {
      await h.killAt('apply-after:create-endpoint#1');
      h.withStore((store) => {
        const run = store.runs.latest()!;
        store.snapshots.save(run.id, snapshot, run.definitionHash);
      });
      const resumed = await h.run(['resume']);
      assert.is(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.match(resumed.stdout, /position rebuilt from the journal: continuing at create-endpoint/);
      assert.equal(h.ledger(), ['LABPRI create-master-key', 'LABMIR drop-old-session', 'LABMIR create-endpoint', 'LABPRI grant-connect']);
      h.withStore((store) => {
        const run = store.runs.latest()!;
        assert.is(run.status, 'done');
        assert.ok(store.audit.forRun(run.id).some((a) => a.kind === 'note' && /checkpoint/.test(a.message ?? '')));
        assert.is(store.journal.inDoubt(run.id).length, 0);
      });
    } finally {
      h.cleanup();
    }
  });
}

test.run();
