// Witness and operating modes on a live pair (issue: principal and witness both lost). promote
// removes the lost witness on the mirror first (forced service needs the witness OFF or connected
// to the mirror, else 1431), then forces service, and records the data loss only once it ran.
// Then add-witness, set-safety-off/full, remove-witness and suspend change the session in place.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
const DATABASES = ['Patriot', 'PatriotArchive'];

test.before(async () => {
  pair = await startPairLab({ witness: true });
  const setup = await pair.mb('run', 'setup', '--yes');
  if (setup.code !== 0) throw new Error(setup.stdout.slice(-2000) + setup.stderr);
});
test.after(async () => {
  await pair?.stop();
});

const mirroring = (instance: string) =>
  pair.sql(
    instance,
    'SELECT DB_NAME(database_id) AS name, mirroring_role_desc AS role, mirroring_state_desc AS state, mirroring_safety_level_desc AS safety, mirroring_witness_name AS witness, mirroring_witness_state_desc AS witness_state FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL',
  );

test('principal and witness lost: promote removes the witness on the mirror, then forces service', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLWIT01', fault: 'down' });
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'down' });
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'DISCONNECTED', 'MIRROR');
  const promote = await pair.mb('run', 'promote', '--yes', '--confirm', 'SQLMIR01');
  assert.is(promote.code, 0, promote.stdout.slice(-3000) + promote.stderr);
  assert.match(promote.stdout, /witness TCP:\/\/sqlwit01[^\n]* of Patriot is lost too[^\n]*SET WITNESS OFF on SQLMIR01 first/);
  for (const row of await mirroring('SQLMIR01')) {
    assert.is(row.role, 'PRINCIPAL');
    assert.is(row.state, 'SUSPENDED');
    assert.is(row.witness, null);
  }
  const audit = await pair.mb('audit', '--format', 'ndjson');
  const records = audit.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; sql: string | null; message: string | null; result: string | null });
  const sent = (pattern: RegExp) => records.findIndex((r) => r.kind === 'statement' && pattern.test(r.sql ?? '') && r.result === 'ok');
  const witnessOff = sent(/^ALTER DATABASE \[Patriot\] SET WITNESS OFF$/);
  const forced = sent(/\[Patriot\] SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS/);
  const accepted = records.findIndex((r) => r.kind === 'note' && /DATA LOSS ACCEPTED for Patriot on SQLMIR01: /.test(r.message ?? ''));
  assert.ok(witnessOff >= 0 && forced > witnessOff && accepted > forced, `witness off ${witnessOff} < force ${forced} < data loss ${accepted}`);
});

test('the old principal and the witness back: resume-session, then add-witness restores automatic failover', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'up' });
  await pair.lab.control({ op: 'fault', instance: 'SQLWIT01', fault: 'up' });
  for (const d of DATABASES) await pair.waitFor('SQLPRI01', d, 'SUSPENDED', 'MIRROR');
  const resume = await pair.mb('run', 'resume-session', '--yes');
  assert.is(resume.code, 0, resume.stdout.slice(-3000) + resume.stderr);
  const add = await pair.mb('run', 'add-witness', '--yes');
  assert.is(add.code, 0, add.stdout.slice(-3000) + add.stderr);
  for (const row of await mirroring('SQLMIR01')) assert.is(row.witness_state, 'CONNECTED', String(row.name));
});

test('set-safety-off warns about the witness, remove-witness clears it, set-safety-full waits for SYNCHRONIZED', async () => {
  const off = await pair.mb('run', 'set-safety-off', '--yes');
  assert.is(off.code, 0, off.stdout.slice(-3000) + off.stderr);
  assert.match(off.stdout, /recommends removing the witness in high-performance mode/);
  for (const row of await mirroring('SQLPRI01')) assert.is(row.safety, 'OFF');
  const remove = await pair.mb('run', 'remove-witness', '--yes');
  assert.is(remove.code, 0, remove.stdout.slice(-3000) + remove.stderr);
  for (const row of await mirroring('SQLPRI01')) assert.is(row.witness, null);
  const full = await pair.mb('run', 'set-safety-full', '--yes');
  assert.is(full.code, 0, full.stdout.slice(-3000) + full.stderr);
  for (const row of await mirroring('SQLMIR01')) {
    assert.is(row.safety, 'FULL');
    assert.is(row.state, 'SYNCHRONIZED');
  }
});

test('suspend, then resume-session resumes', async () => {
  const suspend = await pair.mb('run', 'suspend', '--yes');
  assert.is(suspend.code, 0, suspend.stdout.slice(-3000) + suspend.stderr);
  for (const row of await mirroring('SQLPRI01')) assert.is(row.state, 'SUSPENDED');
  const resume = await pair.mb('run', 'resume-session', '--yes');
  assert.is(resume.code, 0, resume.stdout.slice(-3000) + resume.stderr);
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'SYNCHRONIZED', 'PRINCIPAL');
});

test.run();
