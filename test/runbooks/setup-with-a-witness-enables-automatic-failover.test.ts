// With a witness in the config, certificate-setup exchanges certificates with it too, and enable
// sets it once the databases are SYNCHRONIZED: high safety with automatic failover.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab({ witness: true });
});
test.after(async () => {
  await pair?.stop();
});

test('setup with a witness ends SYNCHRONIZED with the witness CONNECTED', async () => {
  const run = await pair.mb('run', 'setup', '--yes');
  assert.is(run.code, 0, run.stdout.slice(-3000) + run.stderr);
  assert.match(run.stdout, /step witness\.endpoint: done/);
  assert.match(run.stdout, /step witness\.peer-certificate\.PRINCIPAL_cert: done/);
  const rows = await pair.sql('SQLPRI01', 'SELECT mirroring_witness_state_desc AS w FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL');
  assert.is(rows.length, 2);
  for (const row of rows) assert.is(row.w, 'CONNECTED');
  // setup's sync-logins copied the seed's Patriot login to the mirror: no drift. A login made on the
  // principal afterwards is drift (a failover would lock that application out) until sync-logins.
  assert.is((await pair.mb('monitor', '--once')).code, 0);
  await pair.sql('SQLPRI01', "CREATE LOGIN [Reports] WITH PASSWORD = N'Monitor#Test#2026x'; USE Patriot; CREATE USER [Reports] FOR LOGIN [Reports]");
  const drift = await pair.mb('monitor', '--once');
  assert.is(drift.code, 10, drift.stdout);
  assert.match(drift.stdout, /logins differ between the partners: Reports only on SQLPRI01/);
  const sync = await pair.mb('run', 'sync-logins', '--yes');
  assert.is(sync.code, 0, sync.stdout.slice(-3000) + sync.stderr);
  const healthy = await pair.mb('monitor', '--once');
  assert.is(healthy.code, 0, healthy.stdout);
});

test("a partner's login disabled on the witness: ⚠ before a failover (it costs automatic failover, not the session), and add-witness enables it", async () => {
  await pair.sql('SQLWIT01', 'ALTER LOGIN [PRINCIPAL_login] DISABLE');
  const check = await pair.mb('check', 'failover');
  assert.is(check.code, 0, check.stdout);
  assert.match(
    check.stdout,
    /peer-logins\s+SQLWIT01\s+⚠\s+login PRINCIPAL_login, which a partner connects to the witness as, is disabled[^\n]*— ALTER LOGIN \[PRINCIPAL_login\] ENABLE on SQLWIT01, or run add-witness/,
  );
  const add = await pair.mb('run', 'add-witness', '--yes');
  assert.is(add.code, 0, add.stdout.slice(-3000) + add.stderr);
  assert.match(add.stdout, /step witness\.login\.PRINCIPAL_login: done/);
  assert.is((await pair.sql('SQLWIT01', "SELECT is_disabled FROM sys.server_principals WHERE name = N'PRINCIPAL_login'"))[0]?.is_disabled, 0);
});

test.run();
