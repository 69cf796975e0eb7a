// `mirrorbook plan` prints the plan's hash; `run --plan-hash H` refuses (exit 2, nothing sent) when
// the plan no longer hashes to H — here, a config changed after the approval — and runs when it
// does, recording the hash with the run. A failover approved before any setup then stops with
// "mirroring is not set up" and how to set it up, offering no resume (resuming cannot help).
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
  const hash = /^plan hash ([0-9a-f]{64}): 'mirrorbook run failover --plan-hash \1' runs exactly this plan$/m.exec(plan.stdout)?.[1];
  assert.ok(hash, plan.stdout);

  // The change board approved `hash`; then someone adds a database to the config.
  const changed = join(lab.dir, 'changed.yaml');
  writeFileSync(changed, `${readFileSync(config, 'utf8')}\ndatabases: [Patriot]\n`);
  const before = total(batchCounts(lab.dir));
  const refused = await runCli(['run', 'failover', '--plan-hash', hash!, '--yes', '--config', changed, ...store]);
  assert.is(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`the plan of 'failover' no longer hashes to ${hash}: it is [0-9a-f]{64} now; nothing was run`));
  assert.is(total(batchCounts(lab.dir)), before, 'no batch reached a server');

  const approved = await runCli(['run', 'failover', '--plan-hash', hash!, '--yes', '--plain', '--config', config, ...store]);
  assert.is(approved.code, 1, approved.stdout + approved.stderr);
  assert.match(approved.stdout, /mirroring is not set up: Patriot, PatriotArchive are not mirrored on SQLPRI01/);
  assert.match(approved.stdout, /hint: set it up first: 'mirrorbook plan setup' shows what it does, 'mirrorbook run setup' does it; then run failover again/);
  assert.not.match(approved.stdout, /SAFETY \?/);
  assert.not.match(approved.stdout, /to continue:/, 'resuming a failover before setup cannot help');
  const db = openStore(join(work, 'state.db'), { readonly: true });
  try {
    const run = db.runs.latest()!;
    assert.is(run.definitionHash, hash);
    assert.is((db.audit.forRun(run.id).find((a) => a.kind === 'run-start')?.data as { definitionHash?: string } | null)?.definitionHash, hash, 'the audit records the hash that ran');
  } finally {
    db.close();
  }
});

test.run();
