// Issue point 7: every client encryption mode against the lab process — mssql plain, encrypt+trust,
// encrypt+CA verification, TDS 8.0 strict (SQL Server 2022 only: an older instance refuses it);
// FreeTDS tsql off, request (login-only TLS), require.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { runTsql, startTestLab, type EncryptionMode, type TestLab, type TsqlEncryption } from '../helpers/lab.js';

let lab: TestLab;
let lab2022: TestLab;

test.before(async () => {
  [lab, lab2022] = await Promise.all([startTestLab(), startTestLab({ version: '2022' })]);
});

for (const mode of ['plain', 'trust', 'ca', 'strict'] as EncryptionMode[]) {
  test(`mssql ${mode}: login, query and batch`, async () => {
    const on = mode === 'strict' ? lab2022 : lab;
    const pool = await new sql.ConnectionPool(on.mssqlConfig('SQLPRI01', mode)).connect();
    try {
      const rows = (await pool.request().query('SELECT @@SERVERNAME AS server, DB_NAME() AS db')).recordset;
      assert.equal(rows[0], { server: 'SQLPRI01', db: 'master' });
      const batch = (await pool.request().batch("SELECT name FROM sys.databases WHERE name = 'Patriot'")).recordset;
      assert.is(batch[0]?.name, 'Patriot');
    } finally {
      await pool.close();
    }
  });
}

test('TDS 8.0 strict is refused by an instance older than SQL Server 2022', async () => {
  const error = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'strict')).connect().then(
    () => null,
    (e: unknown) => e as Error,
  );
  assert.ok(error, 'a 2019 instance does not speak TDS 8.0');
});

test('mssql with CA verification refuses a certificate it does not trust', async () => {
  const config = lab.mssqlConfig('SQLPRI01', 'trust', { server: 'localhost', options: { encrypt: true, trustServerCertificate: false } });
  const error = await new sql.ConnectionPool(config).connect().then(
    () => null,
    (e: unknown) => e as Error,
  );
  assert.ok(error);
  assert.match(error.message, /certificate/i);
});

for (const encryption of ['off', 'request', 'require'] as TsqlEncryption[]) {
  test(`tsql encryption = ${encryption}: login and query`, async () => {
    const result = await runTsql(lab.instance('SQLMIR01'), lab.password('SQLMIR01'), 'SELECT @@SERVERNAME AS server\ngo\n', encryption);
    assert.match(result.stdout, /SQLMIR01/);
    assert.not.match(result.stdout + result.stderr, /Msg \d+ \(severity (1[1-9]|2\d)/);
  });
}

test.after(async () => {
  await Promise.all([lab?.stop(), lab2022?.stop()]);
});
test.run();
