// jTDS 1.3.1 — a JDBC driver nobody here wrote, which real SQL Server 2019 serves — against the
// lab: LOGIN7 without PRELOGIN, TLS when asked, TDS 7.1 (no ALL_HEADERS, 4-byte DONE counts,
// date/time and (MAX) types sent as down-level clients read them), prepared statements through
// sp_prepare/sp_execute, OUTPUT parameters, and TDS 7.0 refused with a message.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { openJtds, type JtdsConnection } from '../helpers/jtds.js';

let lab: TestLab;
let plain: JtdsConnection;

test.before(async () => {
  lab = await startTestLab({ inProcess: true });
  plain = await openJtds(lab.instance('SQLPRI01').port, lab.instance('SQLPRI01').login, lab.password('SQLPRI01'));
});
test.after(async () => {
  await plain?.close();
  await lab?.stop();
});

test('jTDS without TLS sends LOGIN7 first and is logged in, unencrypted', async () => {
  assert.equal(plain.connected, ['CONNECTED']);
  assert.equal(await plain.run('Q', 'SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID'), [
    'COLS\tencrypt_option:nvarchar',
    'ROW\tFALSE',
  ]);
});

test("the login speaks the TDS version jTDS asked for (7.1 = 0x71000001), not the instance's 7.4", async () => {
  assert.equal(await plain.run('Q', 'SELECT protocol_version FROM sys.dm_exec_connections WHERE session_id = @@SPID'), [
    'COLS\tprotocol_version:int',
    `ROW\t${0x71000001}`,
  ]);
});

test('TDS 7.1: datetime2 arrives as nvarchar and nvarchar(max) as ntext, values intact', async () => {
  const lines = await plain.run('Q', "SELECT CAST('2024-02-29T23:59:59.1234567' AS datetime2) AS t, CAST(REPLICATE(N'é', 5000) AS nvarchar(max)) AS m, 5 AS i");
  assert.equal(lines[0], 'COLS\tt:nvarchar\tm:ntext\ti:int');
  assert.equal(lines[1], `ROW\t2024-02-29 23:59:59.1230000\t${'é'.repeat(5000)}\t5`);
});

test('a prepared statement runs twice with INT and NVARCHAR parameters (prepare, then execute by handle)', async () => {
  const sql = 'SELECT name, database_id FROM sys.databases WHERE database_id = ? OR name = ? ORDER BY database_id';
  assert.equal(await plain.run('P', sql, 'i:1', 's:Patriot'), ['COLS\tname:nvarchar\tdatabase_id:int', 'ROW\tmaster\t1', 'ROW\tPatriot\t5']);
  assert.equal(await plain.run('P', sql, 'i:2', 's:msdb'), ['COLS\tname:nvarchar\tdatabase_id:int', 'ROW\ttempdb\t2', 'ROW\tmsdb\t4']);
});

test('an OUTPUT parameter of sp_executesql comes back as RETURNVALUE', async () => {
  assert.equal(await plain.run('O', '{call sp_executesql(?, ?, ?)}', 's:SET @x = 6 * 7', 's:@x int OUTPUT', 'out:int'), ['OUT\t3\t42']);
});

test('PRINT reaches jTDS as a warning; an error as SQLException with its number', async () => {
  assert.equal(await plain.run('Q', "PRINT 'hello'"), ['WARN\t0\thello']);
  assert.equal(await plain.run('Q', 'SELECT * FROM sys.no_such_view'), ["ERR\t208\tInvalid object name 'sys.no_such_view'."]);
});

// The last cases reconnect the same JVM with other URL properties.
test('jTDS with ssl=require negotiates TLS in PRELOGIN and runs batches over it', async () => {
  assert.equal(await plain.run('CONNECT', ';ssl=require'), ['CONNECTED']);
  assert.equal(await plain.run('Q', 'SELECT encrypt_option FROM sys.dm_exec_connections WHERE session_id = @@SPID'), [
    'COLS\tencrypt_option:nvarchar',
    'ROW\tTRUE',
  ]);
  assert.equal(await plain.run('P', 'SELECT name FROM sys.databases WHERE database_id = ?', 'i:4'), ['COLS\tname:nvarchar', 'ROW\tmsdb']);
});

test('jTDS asking for TDS 7.0 is refused with a message naming the versions the lab speaks', async () => {
  assert.match((await plain.run('CONNECT', ';tds=7.0')).join('\n'), /^ERR\t18456\t.*TDS version 0x70000000.*7\.1 to 7\.4/);
});

test.run();
