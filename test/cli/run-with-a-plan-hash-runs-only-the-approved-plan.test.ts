// `mirrorbook plan` prints the plan's hash; `run --plan-hash H` refuses (exit 2, nothing sent) when
// the plan no longer hashes to H — here, a config changed after the approval — and runs when it
// does, recording the hash with the run. A failover approved before any setup is refused by the
// preflight (no database on the mirror) before any change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCounts, total } from '../proof/support.js';
import { openStore } from '../../store/index.js';
import { runCli, startTestLab, type TestLab } from '../helpers/lab.js';

let lab: TestLab;
let work: string;
test.before(async () => {
  lab = await startTestLab({ inProcess: true });
  work = mkdtempSync(join(tmpdir(), 'mb-plan-hash-'));
});
test.after(async () => {
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the approved hash runs; a changed config is refused before any batch', async () => {
  const config = join(lab.dir, 'mirrorbook.yaml');
  const store = ['--store', join(work, 'state.db')];
  const plan = await runCli(['plan', 'failover', '--config', config]);
  assert.is(plan.code, 0, plan.stderr);
  const hash = /^plan hash ([0-9a-f]{64}): '.+ run failover --plan-hash \1' runs exactly this plan$/m.exec(plan.stdout)?.[1];
  assert.ok(hash, plan.stdout);

  // The change board approved `hash`; then someone adds a database to the config.
  const changed = join(lab.dir, 'changed.yaml');
  writeFileSync(changed, `${readFileSync(config, 'utf8')}\ndatabases: [Patriot]\n`);
  const before = total(batchCounts(lab.dir));
  const refused = await runCli(['run', 'failover', '--plan-hash', hash!, '--yes', '--config', changed, ...store]);
  assert.is(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`the plan of 'failover' no longer hashes to ${hash}: it is [0-9a-f]{64} now; nothing was run`));
  assert.is(total(batchCounts(lab.dir)), before, 'no batch reached a server');

  // Approved, but the pair is not mirrored: the preflight refuses it before any change (the
  // databases do not exist on the mirror), and no run is started.
  const approved = await runCli(['run', 'failover', '--plan-hash', hash!, '--yes', '--plain', '--config', config, ...store]);
  assert.is(approved.code, 1, approved.stdout + approved.stderr);
  assert.match(approved.stdout, /database\s+SQLMIR01\s+✗\s+no database 'Patriot'/);
  assert.match(approved.stderr, /preflight: \d+ check\(s\) failed \(✗\), nothing was changed/);

  // An approved plan that can run runs, with its hash on the record.
  const auth = await runCli(['plan', 'certificate-setup', '--config', config]);
  const authHash = /^plan hash ([0-9a-f]{64})/m.exec(auth.stdout)?.[1];
  const ran = await runCli(['run', 'certificate-setup', '--plan-hash', authHash!, '--yes', '--plain', '--config', config, ...store]);
  assert.is(ran.code, 0, ran.stdout.slice(-1500) + ran.stderr);
  const db = openStore(join(work, 'state.db'), { readonly: true });
  try {
    const run = db.runs.latest()!;
    assert.is(run.definitionHash, authHash);
    assert.is(
      (db.audit.forRun(run.id).find((a) => a.kind === 'run-start')?.data as { definitionHash?: string } | null)?.definitionHash,
      authHash,
      'the audit records the hash that ran',
    );
  } finally {
    db.close();
  }
});

test.run();
