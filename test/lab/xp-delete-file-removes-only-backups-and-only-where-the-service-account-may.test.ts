// xp_delete_file 0, 'path' (what the Maintenance Cleanup Task's "Delete specific file" runs): the
// file goes from the Windows host only when it is a SQL Server backup and the instance's service
// account may reach it — over a share in a workgroup the virtual account is anonymous and gets OS
// error 5, as Msg 22049; a file already gone is error 2; any other kind of file is left alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { startTestLab, type TestLab } from '../helpers/lab.js';

type Failure = { number?: number; message?: string };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: Failure) => `${error.number} ${error.message}`,
  );

let lab: TestLab;
let pri: sql.ConnectionPool;
let mir: sql.ConnectionPool;
const LOCAL = 'Scratch.bak';
const SHARED = '\\\\SQLPRI01\\Backup\\Shared.bak';

const exists = async (pool: sql.ConnectionPool, path: string) =>
  Number((await pool.request().query(`EXEC master.dbo.xp_fileexist N'${path}'`)).recordset[0]?.['File Exists']);
const remove = (pool: sql.ConnectionPool, path: string) => pool.request().batch(`EXEC master.dbo.xp_delete_file 0, N'${path}'`);

test.before(async () => {
  lab = await startTestLab({ inProcess: true });
  pri = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust', { pool: { min: 0, max: 1 } })).connect();
  mir = await new sql.ConnectionPool(lab.mssqlConfig('SQLMIR01', 'trust', { pool: { min: 0, max: 1 } })).connect();
  await pri.request().batch(`CREATE DATABASE Scratch; BACKUP DATABASE Scratch TO DISK = N'${LOCAL}'; BACKUP DATABASE Scratch TO DISK = N'Shared.bak'`);
});

test.after(async () => {
  await pri?.close();
  await mir?.close();
  await lab?.stop();
});

test('a backup on its own host goes; deleting it again is error 2', async () => {
  const path = String(
    (await pri.request().query("SELECT TOP 1 f.physical_device_name AS p FROM msdb.dbo.backupmediafamily f WHERE f.physical_device_name LIKE N'%Scratch.bak'"))
      .recordset[0]?.p,
  );
  assert.is(await exists(pri, path), 1);
  await remove(pri, path);
  assert.is(await exists(pri, path), 0);
  assert.is(await failure(remove(pri, path)), "22049 xp_delete_file() returned error 2, 'The system cannot find the file specified.'");
});

test('a file that is not a backup (a database file) is left alone, without an error', async () => {
  const mdf = String(
    (await pri.request().query("SELECT physical_name AS p FROM sys.master_files WHERE database_id = DB_ID(N'Scratch') AND type = 0")).recordset[0]?.p,
  );
  await remove(pri, mdf);
  assert.is(await exists(pri, mdf), 1);
});

test("over the share: refused (error 5) to the mirror's anonymous workgroup account, removed by a domain account the share grants", async () => {
  await lab.control({ op: 'host', instance: '*', change: { kind: 'workgroup' } });
  await lab.control({ op: 'service-account', instance: 'SQLMIR01', account: 'NT Service\\MSSQLSERVER' });
  await mir.close();
  mir = await new sql.ConnectionPool(lab.mssqlConfig('SQLMIR01', 'trust', { pool: { min: 0, max: 1 } })).connect();
  assert.is(await failure(remove(mir, SHARED)), "22049 xp_delete_file() returned error 5, 'Access is denied.'");
  assert.is(await exists(pri, SHARED), 1, 'the file is still there');
  await lab.control({ op: 'host', instance: '*', change: { kind: 'domain' } });
  await lab.control({ op: 'service-account', instance: 'SQLMIR01', account: 'LAB\\sqlsvc' });
  await mir.close();
  mir = await new sql.ConnectionPool(lab.mssqlConfig('SQLMIR01', 'trust', { pool: { min: 0, max: 1 } })).connect();
  await remove(mir, SHARED);
  assert.is(await exists(mir, SHARED), 0);
});

test('only sysadmin may run it', async () => {
  await pri.request().batch("CREATE LOGIN Reporter WITH PASSWORD = N'Rep0rter-Pa55!'");
  const reporter = await new sql.ConnectionPool(
    lab.mssqlConfig('SQLPRI01', 'trust', { user: 'Reporter', password: 'Rep0rter-Pa55!', pool: { min: 0, max: 1 } }),
  ).connect();
  try {
    assert.match(String(await failure(remove(reporter, 'C:\\Temp\\x.bak'))), /^15247 /);
  } finally {
    await reporter.close();
  }
});

test.run();
