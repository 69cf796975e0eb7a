// `run cleanup --remove-backups`: the seeding backup files this store's runs wrote (read from the
// audit trail) are listed with their sizes and deleted only after the operator types how many —
// through xp_delete_file as the principal's service account, each audited. A file already gone is
// fine; a backup of a similar name the run did not write (someone's manual one, another store's
// run) and the site's own backups are never touched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../config/load.js';
import { outcomes, type PairLab } from './pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';

let pair: PairLab;
let directory = '';
let ours: string[] = [];
const foreign = ['Patriot_mirrorbook_manual.bak', 'Patriot_mirrorbook_20261101-020000-beef.bak'];

test.before(async () => {
  // A set-up pair: its store holds the setup run that wrote the seeding files.
  pair = await startSetUpPair();
  directory = loadConfig(pair.config, { env: process.env }).backup.directory.replace(/\\+$/, '');
});
test.after(async () => {
  await pair?.stop();
});

const exists = async (path: string) => Number((await pair.sql('SQLPRI01', `EXEC master.dbo.xp_fileexist N'${path}'`))[0]?.['File Exists']);
const deletes = async () => {
  const audit = await pair.mb('audit', '--format', 'ndjson');
  return audit.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; sql: string | null; result: string | null })
    .filter((r) => r.kind === 'statement' && r.result === 'ok' && /xp_delete_file/.test(r.sql ?? ''))
    .map((r) => r.sql);
};

test('setup wrote four seeding files named after its run; a DBA made two of a similar name', async () => {
  const runId = JSON.parse((await pair.mb('runs', '--json')).stdout.split('\n')[0]!) as { id?: string } | { id: string }[];
  const id = Array.isArray(runId) ? runId[0]!.id : runId.id!;
  ours = ['Patriot', 'PatriotArchive'].flatMap((d) => [`${directory}\\${d}_mirrorbook_${id}.bak`, `${directory}\\${d}_mirrorbook_${id}.trn`]);
  for (const path of ours) assert.is(await exists(path), 1, path);
  for (const name of foreign) await pair.sql('SQLPRI01', `BACKUP DATABASE Patriot TO DISK = N'${directory}\\${name}' WITH COPY_ONLY`);
  // One of the run's files is gone already (someone tidied up by hand).
  await pair.sql('SQLPRI01', `EXEC master.dbo.xp_delete_file 0, N'${ours[3]}'`);
  assert.is(await exists(ours[3]!), 0);
});

test('plan cleanup --remove-backups shows one xp_delete_file per file the audit trail records, and nothing else', async () => {
  const plan = await pair.mb('plan', 'cleanup', '--remove-backups', '--offline');
  assert.is(plan.code, 0, plan.stdout + plan.stderr);
  for (const path of ours) assert.ok(plan.stdout.includes(`EXEC master.dbo.xp_delete_file 0, N'${path}'`), `${path} is planned`);
  for (const name of foreign) assert.not.ok(plan.stdout.includes(name), `${name} is not the run's`);
  assert.not.match((await pair.mb('plan', 'cleanup', '--offline')).stdout, /xp_delete_file/, 'without the option nothing is deleted');
});

test('cleanup --remove-backups lists the three left with their sizes and stops for the typed count', async () => {
  const disable = await pair.mb('run', 'disable', '--yes', '--confirm', 'SQLPRI01');
  assert.is(disable.code, 0, disable.stdout.slice(-2000) + disable.stderr);
  const cleanup = await pair.mb('run', 'cleanup', '--remove-backups', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(cleanup.code, 3, cleanup.stdout.slice(-2000) + cleanup.stderr);
  const said = cleanup.stdout + cleanup.stderr;
  assert.match(said, /these 3 backup file\(s\), [\d.]+ MB in all, written by mirrorbook's runs, go for good/);
  for (const path of ours.slice(0, 3)) assert.ok(said.includes(`${path} (`), `${path} is listed`);
  assert.match(said, /\(Patriot full, [\d.]+ MB, run /);
  assert.match(said, /1 more are gone already/);
  assert.match(said, /confirm by typing 'delete 3 backup files'/);
  for (const name of foreign) assert.not.ok(said.includes(name), `${name} is not the run's`);
  assert.equal(await deletes(), []);
});

test('with the count typed: the three go, audited; the similar names stay; a second cleanup has nothing left', async () => {
  const resumed = await pair.mb('resume', '--yes', '--confirm', 'delete 3 backup files');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
  assert.is(outcomes(resumed.stdout).get('cleanup.principal.backup-files'), 'done');
  for (const path of ours) assert.is(await exists(path), 0, path);
  for (const name of foreign) assert.is(await exists(`${directory}\\${name}`), 1, name);
  assert.equal(
    (await deletes()).sort(),
    ours
      .slice(0, 3)
      .map((p) => `EXEC master.dbo.xp_delete_file 0, N'${p}'`)
      .sort(),
  );
  const again = await pair.mb('run', 'cleanup', '--remove-backups', '--yes');
  assert.is(again.code, 0, again.stdout.slice(-2000) + again.stderr);
  assert.is(outcomes(again.stdout).get('cleanup.principal.backup-files'), 'already done');
});

test('--remove-backups belongs to cleanup only', async () => {
  const wrong = await pair.mb('run', 'failover', '--remove-backups');
  assert.is(wrong.code, 2);
  assert.match(wrong.stderr, /--remove-backups belongs to cleanup, not failover/);
});

test.run();
