// The application keeps working after a role change (issue: after a failover the Patriot login
// existed only on the old principal). setup and failover copy the logins the mirrored databases'
// users map to — same SID, password hash, default database, server roles — without ever printing a
// hash; after failover and promote mirrorbook checks every user maps to a login on the new
// principal and that the Patriot services reconnected. In the lab an orphaned user fails as SQL
// Server does: 18456 at login with the database, 916 on USE.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mssql from 'mssql';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
const APP_PASSWORD = 'App-Login-Pass#2026';

test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

async function loginAs(instance: string, user: string, database: string): Promise<string> {
  const pool = new mssql.ConnectionPool(pair.lab.mssqlConfig(instance, 'trust', { user, password: APP_PASSWORD, database }));
  try {
    await pool.connect();
    return String((await pool.request().query('SELECT DB_NAME() AS db')).recordset[0]?.db);
  } catch (error) {
    return `error ${(error as Error).message}`;
  } finally {
    await pool.close();
  }
}

const errorLog = async (instance: string) => (await pair.sql(instance, 'EXEC sp_readerrorlog 0, 1')).map((r) => String(r.Text)).join('\n');

async function createAppLogin(instance: string, name: string): Promise<void> {
  await pair.sql(
    instance,
    `CREATE LOGIN [${name}] WITH PASSWORD = N'${APP_PASSWORD}', DEFAULT_DATABASE = [Patriot]; EXEC sp_addsrvrolemember N'${name}', N'bulkadmin'`,
  );
  await pair.sql(instance, `USE Patriot; CREATE USER [${name}] FOR LOGIN [${name}]`);
}

const sidOf = async (instance: string, login: string) =>
  (await pair.sql(instance, `SELECT sid FROM sys.server_principals WHERE name = N'${login}'`))[0]?.sid as Buffer | undefined;

test('setup copies the Patriot login to the mirror with its SID, and never prints its hash', async () => {
  const hash = (await pair.sql('SQLPRI01', "SELECT LOGINPROPERTY('Patriot', 'PasswordHash') AS h"))[0]!.h as Buffer;
  const setup = await pair.mb('run', 'setup', '--yes');
  assert.is(setup.code, 0, setup.stdout.slice(-3000) + setup.stderr);
  assert.match(setup.stdout, /step sync-logins\.mirror: done/);
  assert.ok((await sidOf('SQLMIR01', 'Patriot'))?.equals((await sidOf('SQLPRI01', 'Patriot'))!));
  const audit = await pair.mb('audit', '--format', 'ndjson');
  const hex = hash.toString('hex');
  for (const text of [setup.stdout, setup.stderr, audit.stdout]) assert.not.ok(text.toLowerCase().includes(hex), 'a password hash was printed');
  assert.match(audit.stdout, /WITH PASSWORD = 0x\*\*\*\* HASHED, SID = 0x[0-9A-F]{32}, DEFAULT_DATABASE = \[Patriot\]/);
});

test('a login created on the principal works on the new principal after failover; the services reconnect', async () => {
  await createAppLogin('SQLPRI01', 'AlarmApp');
  assert.is(await loginAs('SQLPRI01', 'AlarmApp', 'Patriot'), 'Patriot');
  const failover = await pair.mb('run', 'failover', '--yes');
  assert.is(failover.code, 0, failover.stdout.slice(-3000) + failover.stderr);
  assert.match(failover.stdout, /login AlarmApp on the mirror \(missing\)/);
  assert.match(failover.stdout, /step application-ready\.mirror: (done|already done)[^\n]*(reconnected to SQLMIR01|connected): Patriot Data Service/);
  assert.is(await loginAs('SQLMIR01', 'AlarmApp', 'Patriot'), 'Patriot');
  const roles = await pair.sql('SQLMIR01', "SELECT IS_SRVROLEMEMBER('bulkadmin', 'AlarmApp') AS member");
  assert.is(roles[0]?.member, 1);
});

test('principal lost after sync-logins: promote checks the users and sees the services reconnect; an unsynced login is named with 18456 and 916', async () => {
  const back = await pair.mb('run', 'failback', '--yes');
  assert.is(back.code, 0, back.stdout.slice(-3000) + back.stderr);
  await createAppLogin('SQLPRI01', 'DispatchApp');
  const sync = await pair.mb('run', 'sync-logins', '--yes');
  assert.is(sync.code, 0, sync.stdout.slice(-3000) + sync.stderr);
  await createAppLogin('SQLPRI01', 'LateApp');
  // SAFETY FULL: the user is on the mirror once its commit returns (the lab ships it at its next step).
  await pair.sql('SQLMIR01', 'SELECT 1 AS one');
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'down' });
  for (const d of ['Patriot', 'PatriotArchive']) await pair.waitFor('SQLMIR01', d, 'DISCONNECTED');
  const promote = await pair.mb('run', 'promote', '--yes', '--confirm', 'SQLMIR01');
  assert.is(promote.code, 1, promote.stdout.slice(-3000) + promote.stderr);
  assert.match(promote.stdout + promote.stderr, /users Patriot\.LateApp \(SID 0x[0-9A-F]+\) map to no login there/);
  assert.is(await loginAs('SQLMIR01', 'DispatchApp', 'Patriot'), 'Patriot');
  assert.match(await loginAs('SQLMIR01', 'LateApp', 'Patriot'), /^error Login failed for user 'LateApp'\./);
  assert.match(await errorLog('SQLMIR01'), /Login failed for user 'LateApp'\. Reason: Could not find a login matching the name provided\./);
  // A login made by hand under the same name gets a new SID: the user stays orphaned.
  await pair.sql('SQLMIR01', `CREATE LOGIN [LateApp] WITH PASSWORD = N'${APP_PASSWORD}'`);
  assert.match(await loginAs('SQLMIR01', 'LateApp', 'Patriot'), /^error Login failed for user 'LateApp'\./);
  assert.match(await errorLog('SQLMIR01'), /Login failed for user 'LateApp'\. Reason: Failed to open the explicitly specified database 'Patriot'\./);
  const pool = await new mssql.ConnectionPool(pair.lab.mssqlConfig('SQLMIR01', 'trust', { user: 'LateApp', password: APP_PASSWORD })).connect();
  try {
    const refused = await pool
      .request()
      .query('USE Patriot')
      .then(
        () => 0,
        (e: { number?: number }) => e.number,
      );
    assert.is(refused, 916);
  } finally {
    await pool.close();
  }
  const sessions = await pair.sql(
    'SQLMIR01',
    "SELECT program_name FROM sys.dm_exec_sessions WHERE program_name LIKE 'Patriot%' AND database_id = DB_ID('Patriot')",
  );
  assert.ok(sessions.length >= 2, 'both Patriot services reconnected through the failover partner');
});

test.run();
