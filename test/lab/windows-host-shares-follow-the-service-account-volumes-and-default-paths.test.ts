// The Windows around SQL Server: a share opens for the service account as Windows decides (domain
// account, virtual account as DOMAIN\HOST$, in a workgroup only a matching local account), C$ for
// administrators only, refusals quoted as OS error 5; xp_fileexist, xp_fixeddrives,
// sys.dm_os_volume_stats and SERVERPROPERTY's default paths; RESTORE that does not fit is 3257.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { startTestLab, type TestLab } from '../helpers/lab.js';

type Failure = { number?: number; message?: string; precedingErrors?: Array<{ number?: number; message?: string }> };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: Failure) => error,
  );
const numbers = (f: Failure | null) => [...(f?.precedingErrors ?? []).map((e) => e.number), f?.number];
const messages = (f: Failure | null) => [...(f?.precedingErrors ?? []).map((e) => e.message), f?.message].join(' | ');

let lab: TestLab;
let pri: sql.ConnectionPool;
let mir: sql.ConnectionPool;
const SHARED = '\\\\SQLPRI01\\Backup\\Scratch.bak';

const headerOnly = () => mir.request().query(`RESTORE HEADERONLY FROM DISK = N'${SHARED}'`);
const fileExists = async (pool: sql.ConnectionPool, path: string) =>
  (await pool.request().query(`EXEC master.dbo.xp_fileexist N'${path}'`)).recordset[0] as Record<string, number>;

test.before(async () => {
  lab = await startTestLab({ inProcess: true });
  await lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '20' });
  pri = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust', { pool: { min: 0, max: 1 } })).connect();
  mir = await new sql.ConnectionPool(lab.mssqlConfig('SQLMIR01', 'trust', { pool: { min: 0, max: 1 } })).connect();
  await pri.request().batch("CREATE DATABASE Scratch; BACKUP DATABASE Scratch TO DISK = N'Scratch.bak' WITH COMPRESSION");
});

test.after(async () => {
  await pri?.close();
  await mir?.close();
  await lab?.stop();
});

async function reconnectMirror() {
  await mir.close();
  mir = await new sql.ConnectionPool(lab.mssqlConfig('SQLMIR01', 'trust', { pool: { min: 0, max: 1 } })).connect();
}

test('in the domain, the virtual account NT Service\\MSSQLSERVER reads the share as LAB\\SQLMIR01$', async () => {
  assert.is((await headerOnly()).recordset.length, 1);
  assert.equal(await fileExists(mir, SHARED), { 'File Exists': 1, 'File is a Directory': 0, 'Parent Directory Exists': 1 });
  await lab.control({ op: 'host', instance: 'SQLPRI01', change: { kind: 'share', name: 'Backup', grant: ['LAB\\sqlsvc'] } });
  assert.equal(numbers(await failure(headerOnly())), [3201, 3013]);
  await lab.control({ op: 'host', instance: 'SQLPRI01', change: { kind: 'share', name: 'Backup', grant: ['LAB\\Domain Computers'] } });
  assert.is((await headerOnly()).recordset.length, 1, 'the computer account is in Domain Computers');
});

test('a domain account reads a share granted to it', async () => {
  await lab.control({ op: 'host', instance: 'SQLPRI01', change: { kind: 'share', name: 'Backup', grant: ['LAB\\sqlsvc'] } });
  await lab.control({ op: 'service-account', instance: 'SQLMIR01', account: 'LAB\\sqlsvc' });
  await reconnectMirror();
  assert.is((await headerOnly()).recordset.length, 1);
  await lab.control({ op: 'host', instance: 'SQLPRI01', change: { kind: 'share', name: 'Backup', grant: ['Everyone'] } });
});

test('in a workgroup the virtual account is anonymous: 3201 with OS error 5, and xp_fileexist sees nothing', async () => {
  await lab.control({ op: 'host', instance: '*', change: { kind: 'workgroup' } });
  await lab.control({ op: 'service-account', instance: 'SQLMIR01', account: 'NT Service\\MSSQLSERVER' });
  await reconnectMirror();
  const refused = await failure(headerOnly());
  assert.equal(numbers(refused), [3201, 3013]);
  assert.match(messages(refused), `Cannot open backup device '${SHARED}'. Operating system error 5(Access is denied.).`);
  assert.equal(await fileExists(mir, SHARED), { 'File Exists': 0, 'File is a Directory': 0, 'Parent Directory Exists': 0 });
  const domainAccount = await lab
    .control({ op: 'service-account', instance: 'SQLMIR01', account: 'LAB\\sqlsvc' })
    .then(reconnectMirror)
    .then(() => failure(headerOnly()));
  assert.equal(numbers(domainAccount), [3201, 3013], 'a domain account means nothing to a workgroup host');
});

test('in a workgroup a local account with the same name and password on both hosts reads the share; another password does not', async () => {
  await lab.control({ op: 'service-account', instance: 'SQLPRI01', account: '.\\sqlmirror', password: 'Same-Pa55word' });
  await lab.control({ op: 'service-account', instance: 'SQLMIR01', account: '.\\sqlmirror', password: 'Other-Pa55word' });
  await reconnectMirror();
  assert.equal(numbers(await failure(headerOnly())), [3201, 3013]);
  await lab.control({ op: 'service-account', instance: 'SQLMIR01', account: 'SQLMIR01\\sqlmirror', password: 'Same-Pa55word' });
  await reconnectMirror();
  assert.is((await headerOnly()).recordset.length, 1);
  await pri.close();
  pri = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust', { pool: { min: 0, max: 1 } })).connect();
});

test('C$ opens for administrators only: the service account gets OS error 5, an administrator copies through it', async () => {
  const adminShare = failure(
    mir
      .request()
      .query("RESTORE HEADERONLY FROM DISK = N'\\\\SQLPRI01\\C$\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Backup\\Scratch.bak'"),
  );
  assert.match(messages(await adminShare), 'Operating system error 5(Access is denied.)');
  await lab.control({
    op: 'copy',
    instance: 'SQLMIR01',
    from: '\\\\SQLPRI01\\C$\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Backup\\Scratch.bak',
    to: 'C:\\Temp\\Scratch.bak',
  });
  assert.is((await mir.request().query("RESTORE HEADERONLY FROM DISK = N'C:\\Temp\\Scratch.bak'")).recordset.length, 1);
});

test('default data and log paths: SERVERPROPERTY shows them, CREATE DATABASE uses them, RESTORE needs MOVE where the source path is missing', async () => {
  const before = (
    await mir
      .request()
      .query(
        "SELECT CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS nvarchar(260)) AS d, CAST(SERVERPROPERTY('InstanceDefaultLogPath') AS nvarchar(260)) AS l",
      )
  ).recordset[0];
  assert.is(before.d, 'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\DATA\\');
  await lab.control({ op: 'host', instance: 'SQLMIR01', change: { kind: 'paths', data: 'D:\\SQLData', log: 'E:\\SQLLogs' } });
  const after = (
    await mir
      .request()
      .query(
        "SELECT CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS nvarchar(260)) AS d, CAST(SERVERPROPERTY('InstanceDefaultLogPath') AS nvarchar(260)) AS l",
      )
  ).recordset[0];
  assert.equal([after.d, after.l], ['D:\\SQLData\\', 'E:\\SQLLogs\\']);
  await mir.request().batch('CREATE DATABASE Fresh');
  const files = (await mir.request().query("SELECT physical_name FROM sys.master_files WHERE database_id = DB_ID('Fresh') ORDER BY file_id")).recordset.map(
    (r) => r.physical_name,
  );
  assert.equal(files, ['D:\\SQLData\\Fresh.mdf', 'E:\\SQLLogs\\Fresh_log.ldf']);
});

test('xp_fixeddrives and sys.dm_os_volume_stats follow the files; a restore that does not fit is 3257', async () => {
  const drives = (await mir.request().query('EXEC master.dbo.xp_fixeddrives')).recordset.map((r) => r.drive);
  assert.equal(drives, ['C', 'D', 'E']);
  const freeD = () =>
    mir
      .request()
      .query(
        "SELECT v.available_bytes, v.volume_mount_point FROM sys.master_files f CROSS APPLY sys.dm_os_volume_stats(f.database_id, f.file_id) v WHERE f.database_id = DB_ID('Fresh') AND f.file_id = 1",
      );
  const row = (await freeD()).recordset[0];
  assert.is(row.volume_mount_point, 'D:\\');
  await lab.control({ op: 'host', instance: 'SQLMIR01', change: { kind: 'volume', drive: 'D', totalGB: 200, freeGB: 0 } });
  assert.ok(Number((await freeD()).recordset[0].available_bytes) < Number(row.available_bytes));
  const restore = await failure(
    mir
      .request()
      .batch(
        "RESTORE DATABASE Scratch FROM DISK = N'C:\\Temp\\Scratch.bak' WITH MOVE N'Scratch' TO N'D:\\SQLData\\Scratch.mdf', MOVE N'Scratch_log' TO N'E:\\SQLLogs\\Scratch_log.ldf'",
      ),
  );
  assert.equal(numbers(restore), [3257, 3119, 3013]);
  assert.match(messages(restore), "There is insufficient free space on disk volume 'D:\\' to create the database.");
});

test('WITH COMPRESSION is recorded in msdb (compressed_backup_size below backup_size)', async () => {
  const row = (
    await pri
      .request()
      .query("SELECT TOP 1 backup_size, compressed_backup_size FROM msdb.dbo.backupset WHERE database_name = 'Scratch' ORDER BY backup_set_id DESC")
  ).recordset[0];
  assert.ok(Number(row.compressed_backup_size) < Number(row.backup_size));
});

test.run();
