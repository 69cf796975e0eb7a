// Issue point 5: a destructive step's confirmation says exactly what it overwrites, as its probe
// found it on the servers — here restore over a database that exists ONLINE on the mirror: its
// name, state, size and files, in the plain prompt and in the refusal without a terminal (exit 3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startTestLab, type TestLab } from '../helpers/lab.js';
import { connect } from '../fixtures/lab/pair.js';

let lab: TestLab;
let work: string;
test.before(async () => {
  lab = await startTestLab({ inProcess: true });
  work = mkdtempSync(join(tmpdir(), 'mb-overwrite-'));
});
test.after(async () => {
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('restore over an ONLINE database on the mirror names it with its size and files, and waits for the typed name', async () => {
  const mirror = await connect(lab, 'SQLMIR01');
  await mirror.run('CREATE DATABASE Patriot');
  const files = await mirror.run("SELECT physical_name, size FROM sys.master_files WHERE database_id = DB_ID(N'Patriot') ORDER BY file_id");
  await mirror.close();
  const mb = Math.round(files.reduce((sum, f) => sum + Number(f.size), 0) / 128);
  const named = `Patriot (ONLINE, ${mb} MB: ${files.map((f) => String(f.physical_name)).join(', ')})`;

  const run = await runCli(['run', 'restore', '--plain', '--config', join(lab.dir, 'mirrorbook.yaml'), '--store', join(work, 'state.db')]);
  assert.is(run.code, 3, run.stdout + run.stderr);
  const prompt = run.stdout.split('\n').find((l) => l.includes('DESTRUCTIVE:'));
  assert.ok(prompt, run.stdout);
  assert.ok(prompt.includes(`Found now: would replace: ${named}`), prompt);
  assert.not.ok(prompt.includes('PatriotArchive'), 'only what exists is named');
  assert.ok(
    (run.stdout + run.stderr).includes(
      `is destructive (the databases on SQLMIR01 that are not mirror copies yet are replaced by the principal's backups (RESTORE … WITH REPLACE); their current contents are lost. Found now: would replace: ${named})`,
    ),
  );
});

test.run();
