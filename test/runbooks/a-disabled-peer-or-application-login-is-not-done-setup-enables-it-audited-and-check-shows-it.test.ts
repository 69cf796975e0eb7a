// A disabled login is refused as if it were missing (18456 state 7): the login a peer's endpoint
// connects as, and an application login synced to a partner, are not "done" while disabled. `check`
// shows it (✗ before a failover, ⚠ before a setup that fixes it), monitor calls the application
// login drift; setup enables them with ALTER
// LOGIN … ENABLE, each audited with a note saying why; a second setup finds nothing to do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../config/load.js';
import { outcomes, type PairLab } from './pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';

let pair: PairLab;
let peerLogin = '';
test.before(async () => {
  // A copy of the suite's set-up pair: what `run setup --yes` leaves on a fresh one.
  pair = await startSetUpPair();
  // The login on the principal that the mirror's endpoint connects as (auth.names.mirror.login).
  const { auth } = loadConfig(pair.config, { env: process.env });
  if (auth.mode !== 'certificate') throw new Error('the lab config is expected to use certificate auth');
  peerLogin = auth.names.mirror.login;
});
test.after(async () => {
  await pair?.stop();
});

const disabled = async (instance: string, login: string) =>
  (await pair.sql(instance, `SELECT is_disabled FROM sys.server_principals WHERE name = N'${login}'`))[0]?.is_disabled;
const enables = async () => {
  const audit = await pair.mb('audit', '--format', 'ndjson');
  return audit.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; sql: string | null; server: string | null; result: string | null })
    .filter((r) => r.kind === 'statement' && r.result === 'ok' && /ALTER LOGIN .* ENABLE/.test(r.sql ?? ''))
    .map((r) => `${r.server}: ${r.sql}`);
};

test('disabled on the principal: the peer login; on the mirror: the application login Patriot', async () => {
  await pair.sql('SQLPRI01', `ALTER LOGIN [${peerLogin}] DISABLE`);
  await pair.sql('SQLMIR01', 'ALTER LOGIN [Patriot] DISABLE');
  assert.is(await disabled('SQLPRI01', peerLogin), 1);
  assert.is(await disabled('SQLMIR01', 'Patriot'), 1);
});

test('check failover: the disabled peer login is ✗ with the fix, the application login ⚠', async () => {
  const check = await pair.mb('check', 'failover');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, new RegExp(`peer-logins\\s+SQLPRI01\\s+✗\\s+login ${peerLogin}, which a peer's endpoint connects as, is disabled`));
  assert.match(check.stdout, new RegExp(`ALTER LOGIN \\[${peerLogin}\\] ENABLE on SQLPRI01, or run certificate-setup`));
  assert.match(
    check.stdout,
    /peer-logins\s+SQLMIR01\s+⚠\s+login Patriot is disabled \(users Patriot\.Patriot, PatriotArchive\.Patriot cannot log in after a failover\)/,
  );
});

test('monitor: the application login disabled on one partner only is login drift (a warning)', async () => {
  const drift = await pair.mb('monitor', '--once');
  assert.is(drift.code, 10, drift.stdout);
  assert.match(drift.stdout, /logins differ between the partners: Patriot disabled on SQLMIR01/);
});

test('check setup: ⚠ only (setup enables it), so the setup may run', async () => {
  const check = await pair.mb('check', 'setup');
  assert.match(check.stdout, new RegExp(`peer-logins\\s+SQLPRI01\\s+⚠\\s+login ${peerLogin}, which a peer's endpoint connects as, is disabled`));
  assert.not.match(check.stdout, /peer-logins\s+\S+\s+✗/);
});

test('setup enables both, audited with why; the rest of the setup is already done', async () => {
  const setup = await pair.mb('run', 'setup', '--yes');
  assert.is(setup.code, 0, setup.stdout.slice(-3000) + setup.stderr);
  const seen = outcomes(setup.stdout);
  assert.is(seen.get(`principal.login.${peerLogin}`), 'done');
  assert.is(seen.get('sync-logins.mirror'), 'done');
  assert.match(setup.stdout, new RegExp(`login ${peerLogin} on the principal was disabled: a peer connecting as it is refused \\(18456 state 7\\)`));
  assert.match(setup.stdout, /login Patriot on the mirror \(disabled\)/);
  assert.equal((await enables()).sort(), [`SQLMIR01: USE master; ALTER LOGIN [Patriot] ENABLE`, `SQLPRI01: USE master; ALTER LOGIN [${peerLogin}] ENABLE`]);
  assert.is(await disabled('SQLPRI01', peerLogin), 0);
  assert.is(await disabled('SQLMIR01', 'Patriot'), 0);
  const check = await pair.mb('check', 'failover');
  assert.is(check.code, 0, check.stdout);
  assert.match(check.stdout, /peer-logins\s+SQLMIR01\s+✔\s+the 1 application login\(s\) of Patriot, PatriotArchive are as on SQLPRI01/);
});

test('setup again: nothing to enable, every step already done', async () => {
  const again = await pair.mb('run', 'setup', '--yes');
  assert.is(again.code, 0, again.stdout.slice(-2000));
  for (const [step, outcome] of outcomes(again.stdout)) assert.is(outcome, 'already done', `${step} was ${outcome}`);
  assert.is((await enables()).length, 2);
  assert.is((await pair.mb('monitor', '--once')).code, 0, 'no drift left');
});

test('a login disabled on purpose where the databases are served is created disabled on the partner, not enabled', async () => {
  await pair.sql('SQLPRI01', "USE master; CREATE LOGIN [PatriotReports] WITH PASSWORD = N'Rep0rts-Login#2026'; ALTER LOGIN [PatriotReports] DISABLE");
  await pair.sql('SQLPRI01', 'USE Patriot; CREATE USER [PatriotReports] FOR LOGIN [PatriotReports]');
  const sync = await pair.mb('run', 'sync-logins', '--yes');
  assert.is(sync.code, 0, sync.stdout.slice(-2000) + sync.stderr);
  assert.is(await disabled('SQLMIR01', 'PatriotReports'), 1);
  assert.is((await enables()).length, 2, 'nothing more was enabled');
});

test.run();
