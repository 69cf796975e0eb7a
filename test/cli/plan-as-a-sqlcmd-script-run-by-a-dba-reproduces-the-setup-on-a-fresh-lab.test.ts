// `plan setup --format sqlcmd` is a script a change board can read and a DBA can run in SSMS's
// SQLCMD mode: a :CONNECT per server with an @@SERVERNAME check after it, GO, a comment per step,
// secrets only as $(…) variables. Run through a SQLCMD interpreter (test/helpers/sqlcmd.ts) with
// the secrets given as sqlcmd -v would, it sets up a fresh lab pair to SYNCHRONIZED; with a
// secret left out it stops before any change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchCounts, total } from '../proof/support.js';
import { runCli, startTestLab, type TestLab } from '../helpers/lab.js';
import { runSqlcmd, SqlcmdError } from '../helpers/sqlcmd.js';
import { connect, quickBackups } from '../fixtures/lab/pair.js';

let lab: TestLab;
let script: string;
const secret = (name: string) => readFileSync(join(lab.dir, 'credentials', name), 'utf8').trim();
let secrets: Record<string, string>;

test.before(async () => {
  lab = await startTestLab({ inProcess: true });
  await quickBackups(lab);
  secrets = {
    PrincipalPassword: secret('SQLPRI01.password'),
    MirrorPassword: secret('SQLMIR01.password'),
    MasterKeyPassword: secret('master-key.password'),
    EndpointLoginPassword: secret('endpoint-login.password'),
  };
  const plan = await runCli(['plan', 'setup', '--format', 'sqlcmd', '--config', join(lab.dir, 'mirrorbook.yaml')]);
  assert.is(plan.code, 0, plan.stderr);
  assert.is(plan.stderr, '');
  script = plan.stdout;
});
test.after(async () => {
  await lab?.stop();
});

test('the script names every server by a :CONNECT, checks @@SERVERNAME, ends each batch with GO and comments each step', () => {
  assert.match(script, /^:on error exit$/m);
  assert.match(script, /^:setvar PrincipalServer "localhost,\d+"$/m);
  assert.match(script, /^:CONNECT \$\(MirrorServer\) -U \$\(MirrorLogin\) -P \$\(MirrorPassword\)\nIF @@SERVERNAME <> N'SQLMIR01' RAISERROR/m);
  const steps = [...script.matchAll(/^-- ── Step (\d+)\/(\d+): /gm)];
  assert.ok(steps.length > 30, `a comment per step: ${steps.length}`);
  assert.is(steps.length, Number(steps[0]![2]));
  assert.match(script, /^-- plan hash [0-9a-f]{64}: 'mirrorbook run setup --plan-hash [0-9a-f]{64}'/m);
  // Every statement line is followed, before the next :CONNECT or comment, by GO.
  for (const block of script.split(/\n(?=-- ── Step)/).slice(1)) {
    const sql = block.split('\n').filter((l) => l !== '' && !l.startsWith('--') && !l.startsWith(':'));
    if (sql.length > 0) assert.is(sql[sql.length - 1], 'GO', block);
  }
});

test('secrets appear only as SQLCMD variables, with commented :setvar placeholders', () => {
  for (const [name, value] of Object.entries(secrets)) {
    assert.not.ok(script.includes(value), `${name}'s value is in the script`);
    assert.match(script, new RegExp(`^-- :setvar ${name} ""`, 'm'));
  }
  assert.match(script, /CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'\$\(MasterKeyPassword\)'/);
  assert.match(script, /CREATE LOGIN \[MIRROR_login\] WITH PASSWORD = N'\$\(EndpointLoginPassword\)'/);
  assert.not.match(script, /\*\*\*\*|0x…/);
});

test("the certificates travel as files through the principal's backup folder; what no script can do is named", () => {
  assert.match(script, /BACKUP CERTIFICATE \[MIRROR_cert\] TO FILE = N'\\\\SQLPRI01\\Backup\\MIRROR_cert\.cer'/);
  assert.match(script, /CREATE CERTIFICATE \[PRINCIPAL_cert\] AUTHORIZATION \[PRINCIPAL_user\] FROM FILE = N'\\\\SQLPRI01\\Backup\\PRINCIPAL_cert\.cer'/);
  assert.match(script, /^-- {3}• step \d+: the application logins .* 'mirrorbook run sync-logins'/m);
  assert.match(script, /^-- DESTRUCTIVE: the databases on SQLMIR01 that are not mirror copies yet are replaced/m);
});

test('without a secret the script stops before any change', async () => {
  const { MasterKeyPassword: _, ...partial } = secrets;
  const before = total(batchCounts(lab.dir, true));
  await runSqlcmd(script, partial).then(
    () => assert.unreachable('ran without MasterKeyPassword'),
    (error: unknown) => assert.match((error as SqlcmdError).message, /'MasterKeyPassword' scripting variable not defined/),
  );
  const empty = await runSqlcmd(script, { ...secrets, MasterKeyPassword: '' }).then(
    () => undefined,
    (error: unknown) => error as SqlcmdError,
  );
  assert.match(empty?.message ?? '', /set the secret variables first/);
  // Only the @@SERVERNAME checks (both runs) and the guard (the second) reached a server — each an
  // IF … RAISERROR, which the statement classifier counts as a change — and no master key exists.
  assert.is(total(batchCounts(lab.dir, true)) - before, 3);
  const principal = await connect(lab, 'SQLPRI01');
  assert.equal(await principal.run("SELECT name FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'"), []);
  await principal.close();
});

test('run as SQLCMD would, the script sets up the fresh pair: both databases SYNCHRONIZED', async () => {
  const result = await runSqlcmd(script, secrets);
  assert.ok(result.batches.length > 30, `${result.batches.length} batches`);
  const principal = await connect(lab, 'SQLPRI01');
  const rows = await principal.run(
    "SELECT DB_NAME(database_id) AS name, mirroring_role_desc AS role, mirroring_state_desc AS state FROM sys.database_mirroring WHERE DB_NAME(database_id) LIKE 'Patriot%' ORDER BY name",
  );
  await principal.close();
  assert.equal(
    rows.map((r) => `${r.name} ${r.role} ${r.state}`),
    ['Patriot PRINCIPAL SYNCHRONIZED', 'PatriotArchive PRINCIPAL SYNCHRONIZED'],
  );
});

test('planned again against the pair it set up, every change is already done and left as a comment', async () => {
  const again = await runCli(['plan', 'setup', '--format', 'sqlcmd', '--config', join(lab.dir, 'mirrorbook.yaml')]);
  assert.is(again.code, 0, again.stderr);
  assert.not.match(again.stdout, /^USE master; CREATE MASTER KEY/m);
  assert.match(again.stdout, /^-- USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'\$\(MasterKeyPassword\)'$/m);
  const result = await runSqlcmd(again.stdout, secrets);
  assert.ok(result.batches.length > 0);
});

test.run();
