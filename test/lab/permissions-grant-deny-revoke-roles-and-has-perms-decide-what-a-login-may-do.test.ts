// Server and database permissions as SQL Server documents them ("GRANT Server Permissions",
// "Permissions of Fixed Server Roles", "Database-level roles", "HAS_PERMS_BY_NAME",
// "fn_my_permissions", each statement's Permissions section): a login that is not sysadmin may do
// what it was granted, directly or through a role, and is refused the rest with SQL Server's error;
// DENY wins over GRANT; the functions a script asks with agree with what the statements allow.
// The old lab knew only "sysadmin or not": every grant below changed nothing there.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn, errorNumbers, firstValue } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const OPS_PASSWORD = 'Op5!least-priv';
const lab = createSite({ adminPassword: PASSWORD });
lab.instances['SQLPRI01']!.behaviour.backupMsPerGB = 0;
const instance = inProcessInstance(lab, 'SQLPRI01');
const login = (name: string, password: string): Promise<InProcessSession> => signIn(instance, name, password);

let admin: InProcessSession;
let ops: InProcessSession;
test.before(async () => {
  admin = await login('mirrorbook', PASSWORD);
  await admin.query(`CREATE LOGIN ops WITH PASSWORD = '${OPS_PASSWORD}'`);
  ops = await login('ops', OPS_PASSWORD);
});

test('GRANT, DENY and REVOKE of a server permission: sys.server_permissions, HAS_PERMS_BY_NAME, fn_my_permissions and CREATE ENDPOINT agree', async () => {
  const endpoint = `CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = PARTNER)`;
  assert.equal(errorNumbers(await ops.query(endpoint)), [262]);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ENDPOINT')`), 0);
  await admin.query('GRANT CREATE ENDPOINT TO ops');
  const rows = await admin.query(
    `SELECT p.permission_name, p.state_desc FROM sys.server_permissions p JOIN sys.server_principals l ON l.principal_id = p.grantee_principal_id WHERE l.name = 'ops' AND p.type = 'CRHE'`,
  );
  assert.equal(rows.resultSets[0]?.rows, [['CREATE ENDPOINT', 'GRANT']]);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ENDPOINT')`), 1);
  assert.ok((await ops.query(`SELECT permission_name FROM fn_my_permissions(NULL, 'SERVER')`)).resultSets[0]?.rows.some((r) => r[0] === 'CREATE ENDPOINT'));
  await admin.query('DENY CREATE ENDPOINT TO ops');
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ENDPOINT')`), 0, 'DENY wins');
  assert.equal(errorNumbers(await ops.query(endpoint)), [262]);
  await admin.query('REVOKE CREATE ENDPOINT FROM ops');
  assert.equal(
    await firstValue(
      admin,
      `SELECT COUNT(*) FROM sys.server_permissions p JOIN sys.server_principals l ON l.principal_id = p.grantee_principal_id WHERE l.name = 'ops'`,
    ),
    1,
    'only CONNECT SQL is left',
  );
  await admin.query('GRANT CREATE ENDPOINT TO ops');
  assert.equal(errorNumbers(await ops.query(endpoint)), []);
  assert.equal(errorNumbers(await ops.query(`ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED`)), [], 'the creator owns the endpoint');
  assert.equal(errorNumbers(await ops.query(`GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO ops`)), [], 'CONTROL on its own endpoint');
  assert.equal(errorNumbers(await ops.query(`GRANT VIEW SERVER STATE TO ops`)), [4613], 'a server permission needs CONTROL SERVER to grant');
  assert.equal(errorNumbers(await admin.query(`USE master; GRANT VIEW ANY NONSENSE TO mirrorbook`)), [15151], 'an unknown permission is refused, never stored');
});

test('ALTER ANY ENDPOINT: ALTER and GRANT CONNECT on an endpoint someone else owns; without it 15151', async () => {
  await admin.query(`CREATE LOGIN ops2 WITH PASSWORD = '${OPS_PASSWORD}'`);
  const ops2 = await login('ops2', OPS_PASSWORD);
  assert.equal(errorNumbers(await ops2.query(`ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED`)), [15151]);
  assert.equal(errorNumbers(await ops2.query(`GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO ops2`)), [15151]);
  assert.equal(await firstValue(ops2, `SELECT HAS_PERMS_BY_NAME('Endpoint_Mirroring', 'ENDPOINT', 'ALTER')`), 0);
  await admin.query('GRANT ALTER ANY ENDPOINT TO ops2');
  assert.equal(await firstValue(ops2, `SELECT HAS_PERMS_BY_NAME('Endpoint_Mirroring', 'ENDPOINT', 'ALTER')`), 1);
  assert.equal(errorNumbers(await ops2.query(`ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO ops2`)), []);
  assert.equal(await firstValue(ops2, `SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ENDPOINT')`), 1, 'ALTER ANY ENDPOINT implies CREATE ENDPOINT');
  ops2.close();
});

test('VIEW SERVER STATE: without it the server-state DMVs are 300 + 297 and sys.dm_exec_sessions shows only the own session', async () => {
  assert.equal(errorNumbers(await ops.query(`SELECT * FROM sys.dm_os_performance_counters`)), [300, 297]);
  assert.equal(errorNumbers(await ops.query(`SELECT * FROM sys.dm_server_services`)), [300, 297]);
  const own = await ops.query(`SELECT session_id FROM sys.dm_exec_sessions WHERE is_user_process = 1`);
  assert.equal(own.resultSets[0]?.rows, [[ops.session.spid]]);
  await admin.query('GRANT VIEW SERVER STATE TO ops');
  assert.equal(errorNumbers(await ops.query(`SELECT * FROM sys.dm_os_performance_counters`)), []);
  assert.ok((await ops.query(`SELECT session_id FROM sys.dm_exec_sessions WHERE is_user_process = 1`)).resultSets[0]!.rows.length > 1);
});

test('logins and databases: ALTER ANY LOGIN (15247 before), ALTER ANY DATABASE (5011 before), dbcreator (262 / 3110 before)', async () => {
  assert.equal(errorNumbers(await ops.query(`CREATE LOGIN app2 WITH PASSWORD = 'App2!pass#2025'`)), [15247]);
  assert.equal(errorNumbers(await ops.query(`ALTER LOGIN Patriot DISABLE`)), [15151]);
  await admin.query('GRANT ALTER ANY LOGIN TO ops');
  assert.equal(errorNumbers(await ops.query(`CREATE LOGIN app2 WITH PASSWORD = 'App2!pass#2025'; DROP LOGIN app2`)), []);

  assert.equal(errorNumbers(await ops.query(`ALTER DATABASE PatriotArchive SET RECOVERY FULL`)), [5011, 5069]);
  await admin.query('GRANT ALTER ANY DATABASE TO ops');
  assert.equal(errorNumbers(await ops.query(`ALTER DATABASE PatriotArchive SET RECOVERY FULL`)), []);

  assert.equal(errorNumbers(await ops.query(`RESTORE DATABASE Patriot FROM DISK = 'E:\\Backup\\none.bak' WITH REPLACE`)), [3110, 3013]);
  assert.equal(errorNumbers(await ops.query(`EXEC sp_addsrvrolemember 'ops', 'dbcreator'`)), [15151], 'only a member of the role may add to it');
  await admin.query(`ALTER SERVER ROLE dbcreator ADD MEMBER ops`);
  const members = await admin.query(
    `SELECT r.name FROM sys.server_role_members m JOIN sys.server_principals r ON r.principal_id = m.role_principal_id JOIN sys.server_principals l ON l.principal_id = m.member_principal_id WHERE l.name = 'ops'`,
  );
  assert.equal(members.resultSets[0]?.rows, [['dbcreator']]);
  assert.equal(await firstValue(ops, `SELECT IS_SRVROLEMEMBER('dbcreator')`), 1);
  assert.equal(errorNumbers(await ops.query(`CREATE DATABASE OpsScratch`)), []);
  assert.equal(errorNumbers(await ops.query(`EXEC sp_addsrvrolemember 'ops2', 'dbcreator'`)), [], 'a member may add others to its role');
  assert.equal(errorNumbers(await ops.query(`EXEC sp_addsrvrolemember 'ops2', 'sysadmin'`)), [15151]);
});

test('CONTROL SERVER implies every server permission but is not sysadmin; a DENY still applies to it', async () => {
  await admin.query(`CREATE LOGIN boss WITH PASSWORD = '${OPS_PASSWORD}'; GRANT CONTROL SERVER TO boss; DENY ALTER ANY LOGIN TO boss`);
  const boss = await login('boss', OPS_PASSWORD);
  const r = await boss.query(
    `SELECT IS_SRVROLEMEMBER('sysadmin'), HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW ANY DEFINITION'), HAS_PERMS_BY_NAME(NULL, NULL, 'ALTER ANY LOGIN'), HAS_PERMS_BY_NAME('master', 'DATABASE', 'CONTROL')`,
  );
  assert.equal(r.resultSets[0]?.rows, [[0, 1, 0, 1]]);
  assert.equal(errorNumbers(await boss.query(`CREATE LOGIN nope WITH PASSWORD = 'N0pe!pass#2025'`)), [15247]);
  boss.close();
});

test('database roles and object permissions: msdb SELECT (229), INSERT on a table (229), xp_logevent (db_owner of master, 229), CREATE CERTIFICATE (262), BACKUP (db_backupoperator, 262)', async () => {
  assert.equal(errorNumbers(await ops.query(`SELECT COUNT(*) FROM msdb.dbo.backupset`)), [229]);
  assert.equal(
    errorNumbers(
      await admin.query(`USE msdb; CREATE USER ops FOR LOGIN ops; ALTER ROLE db_datareader ADD MEMBER ops; CREATE TABLE dbo.anchors (id int NOT NULL)`),
    ),
    [],
  );
  assert.equal(errorNumbers(await ops.query(`SELECT COUNT(*) FROM msdb.dbo.backupset`)), []);
  assert.equal(await firstValue(ops, `USE msdb; SELECT IS_ROLEMEMBER('db_datareader')`), 1);
  assert.equal(errorNumbers(await ops.query(`INSERT INTO msdb.dbo.anchors (id) VALUES (1)`)), [229]);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME('msdb.dbo.anchors', 'OBJECT', 'INSERT')`), 0);
  await admin.query(`USE msdb; GRANT SELECT, INSERT ON dbo.anchors TO ops`);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME('msdb.dbo.anchors', 'OBJECT', 'INSERT')`), 1);
  assert.equal(errorNumbers(await ops.query(`INSERT INTO msdb.dbo.anchors (id) VALUES (1)`)), []);
  assert.equal(errorNumbers(await ops.query(`USE msdb; CREATE TABLE dbo.mine (id int)`)), [262]);

  assert.equal(errorNumbers(await ops.query(`USE master; EXEC xp_logevent 60000, 'anchor'`)), [229]);
  assert.equal(errorNumbers(await ops.query(`USE master; CREATE CERTIFICATE c1 ENCRYPTION BY PASSWORD = 'C3rt!pass#2025' WITH SUBJECT = 'c1'`)), [262]);
  await admin.query(`USE master; CREATE USER ops FOR LOGIN ops; ALTER ROLE db_owner ADD MEMBER ops`);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME('master', 'DATABASE', 'CONTROL')`), 1);
  assert.equal(
    errorNumbers(
      await ops.query(`USE master; EXEC xp_logevent 60000, 'anchor'; CREATE CERTIFICATE c1 ENCRYPTION BY PASSWORD = 'C3rt!pass#2025' WITH SUBJECT = 'c1'`),
    ),
    [],
  );

  assert.equal(errorNumbers(await ops.query(`BACKUP DATABASE Patriot TO DISK = 'E:\\Backup\\ops.bak'`)), [262, 3013]);
  await admin.query(`USE Patriot; CREATE USER ops FOR LOGIN ops; ALTER ROLE db_backupoperator ADD MEMBER ops`);
  assert.ok(
    (await ops.query(`SELECT permission_name FROM fn_my_permissions('Patriot', 'DATABASE')`)).resultSets[0]!.rows.some((row) => row[0] === 'BACKUP DATABASE'),
  );
  assert.equal(errorNumbers(await ops.query(`BACKUP DATABASE Patriot TO DISK = 'E:\\Backup\\ops.bak'`)), []);
});

test('the error log needs securityadmin (sp_readerrorlog 15003, xp_readerrorlog 229), the mirroring monitor table dbm_monitor in msdb (229); sysadmin is unchanged', async () => {
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 0, 0`)), [229]);
  await admin.query(`USE msdb; ALTER ROLE dbm_monitor ADD MEMBER ops`);
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 0, 0`)), [32039], 'allowed: Patriot is simply not mirrored');
  assert.equal(errorNumbers(await ops.query(`EXEC sp_readerrorlog`)), [15003]);
  assert.equal(errorNumbers(await ops.query(`EXEC xp_readerrorlog`)), [229]);
  assert.equal(errorNumbers(await admin.query(`EXEC sp_readerrorlog`)), []);
  assert.equal(await firstValue(admin, `SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'CONTROL SERVER')`), 1);
});

test.after(() => {
  ops?.close();
  admin?.close();
});

test.run();
