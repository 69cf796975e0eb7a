// Transactions as SQL Server documents them: ROLLBACK undoes every change the lab models (logins,
// role members, permissions, master keys, certificates), SAVE TRANSACTION and nested BEGINs count
// as documented, SET XACT_ABORT and SET IMPLICIT_TRANSACTIONS do what they say, a disconnect rolls
// back, and statements SQL Server refuses inside a transaction are refused with its errors.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { LabState } from '../../lab/model.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const lab: LabState = createSite({ adminPassword: PASSWORD });
const instance = inProcessInstance(lab, 'SQLPRI01');
const primary = () => lab.instances['SQLPRI01']!;

async function session(): Promise<InProcessSession> {
  const s = await signIn(instance, 'mirrorbook', PASSWORD);
  return s;
}

async function scalar(s: InProcessSession, sql: string): Promise<unknown> {
  const r = await s.query(sql);
  assert.equal(r.errors, [], sql);
  return r.resultSets[0]?.rows[0]?.[0];
}

test('ROLLBACK undoes CREATE LOGIN, ALTER SERVER ROLE, GRANT, CREATE MASTER KEY and CREATE CERTIFICATE', async () => {
  const s = await session();
  const r = await s.query(`BEGIN TRANSACTION
    CREATE LOGIN txlogin WITH PASSWORD = 'Tx!login2025'
    ALTER SERVER ROLE sysadmin ADD MEMBER txlogin
    GRANT VIEW SERVER STATE TO txlogin
    USE Patriot
    CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Tx!masterkey2025'
    CREATE CERTIFICATE txcert WITH SUBJECT = 'tx'
    SELECT @@TRANCOUNT`);
  assert.equal(r.errors, []);
  assert.equal(r.resultSets[0]?.rows, [[1]]);
  assert.ok(primary().logins['txlogin'] && primary().databases['Patriot']!.certificates['txcert']);
  const grantee = primary().logins['txlogin']!.principalId;
  const permissionsBefore = primary().serverPermissions.filter((p) => p.granteePrincipalId === grantee).length;
  assert.ok(permissionsBefore > 0, 'the GRANT was made');
  assert.equal(await scalar(s, 'ROLLBACK; SELECT @@TRANCOUNT'), 0);
  assert.is(primary().logins['txlogin'], undefined);
  assert.not.ok(Object.values(primary().serverRoleMembers).flat().includes('txlogin'));
  assert.not.ok(primary().serverPermissions.some((p) => p.granteePrincipalId === grantee));
  assert.is(primary().databases['Patriot']!.masterKey, null);
  assert.is(primary().databases['Patriot']!.certificates['txcert'], undefined);
  s.close();
});

test('ROLLBACK undoes CREATE TABLE and INSERT; to a savepoint it undoes only the rows after it', async () => {
  const s = await session();
  assert.equal((await s.query(`USE msdb; BEGIN TRAN; CREATE TABLE tx_table (a int); INSERT INTO tx_table (a) VALUES (1); ROLLBACK`)).errors, []);
  assert.is(primary().databases['msdb']!.userTables?.['tx_table'], undefined);
  assert.equal(
    (
      await s.query(
        `CREATE TABLE kept_table (a int); BEGIN TRAN; INSERT INTO kept_table (a) VALUES (1); SAVE TRAN one; INSERT INTO kept_table (a) VALUES (2); ROLLBACK TRAN one; COMMIT`,
      )
    ).errors,
    [],
  );
  assert.equal(primary().databases['msdb']!.userTables?.['kept_table']?.rows, [[1]]);
  s.close();
});

test('COMMIT keeps the work; nested BEGINs count; ROLLBACK to a savepoint undoes only what followed it', async () => {
  const s = await session();
  assert.equal(await scalar(s, `BEGIN TRAN; BEGIN TRAN; CREATE LOGIN kept WITH PASSWORD = 'Kept!2025x'; COMMIT; SELECT @@TRANCOUNT`), 1);
  assert.equal(
    await scalar(s, `SAVE TRANSACTION before_second; CREATE LOGIN undone WITH PASSWORD = 'Undo!2025x'; ROLLBACK TRANSACTION before_second; SELECT @@TRANCOUNT`),
    1,
  );
  assert.ok(primary().logins['kept']);
  assert.is(primary().logins['undone'], undefined);
  assert.equal(errorNumbers(await s.query('ROLLBACK TRANSACTION no_such_savepoint')), [6401]);
  assert.equal(await scalar(s, 'COMMIT; SELECT @@TRANCOUNT'), 0);
  assert.ok(primary().logins['kept']);
  assert.equal(errorNumbers(await s.query('COMMIT')), [3902]);
  assert.equal(errorNumbers(await s.query('ROLLBACK')), [3903]);
  s.close();
});

test('SET XACT_ABORT ON: a run-time error rolls the transaction back and ends the batch; OFF: the transaction stays open', async () => {
  const s = await session();
  const off = await s.query(`BEGIN TRAN; CREATE LOGIN xa1 WITH PASSWORD = 'Xa1!pass2025'; CREATE LOGIN xa1 WITH PASSWORD = 'Xa1!pass2025'; SELECT @@TRANCOUNT`);
  assert.equal(errorNumbers(off), [15025]);
  assert.equal(off.resultSets[0]?.rows, [[1]], 'without XACT_ABORT the batch goes on inside the transaction');
  await s.query('ROLLBACK');
  const on = await s.query(
    `SET XACT_ABORT ON; BEGIN TRAN; CREATE LOGIN xa2 WITH PASSWORD = 'Xa2!pass2025'; CREATE LOGIN xa2 WITH PASSWORD = 'Xa2!pass2025'; SELECT 'not reached'`,
  );
  assert.equal(errorNumbers(on), [15025]);
  assert.equal(on.resultSets, [], 'the batch ended at the error');
  assert.equal(await scalar(s, 'SELECT @@TRANCOUNT'), 0);
  assert.is(primary().logins['xa2'], undefined);
  s.close();
});

test('SET IMPLICIT_TRANSACTIONS ON: CREATE opens a transaction, BEGIN TRAN then makes @@TRANCOUNT 2, ROLLBACK undoes', async () => {
  const s = await session();
  assert.equal(await scalar(s, `SET IMPLICIT_TRANSACTIONS ON; SELECT @@TRANCOUNT`), 0, 'SELECT without FROM opens nothing');
  assert.equal(await scalar(s, `CREATE LOGIN implicit1 WITH PASSWORD = 'Impl!2025x'; SELECT @@TRANCOUNT`), 1);
  assert.equal(await scalar(s, `ROLLBACK; BEGIN TRAN; SELECT @@TRANCOUNT`), 2);
  assert.equal(await scalar(s, `ROLLBACK; SET IMPLICIT_TRANSACTIONS OFF; SELECT @@TRANCOUNT`), 0);
  assert.is(primary().logins['implicit1'], undefined);
  assert.equal(
    errorNumbers(await s.query(`SET IMPLICIT_TRANSACTIONS ON; CREATE DATABASE ImplicitDb`)),
    [226],
    'CREATE DATABASE inside the transaction it opened',
  );
  await s.query('ROLLBACK; SET IMPLICIT_TRANSACTIONS OFF');
  s.close();
});

test('a session that disconnects with a transaction open has it rolled back', async () => {
  const s = await session();
  await s.query(`BEGIN TRAN; CREATE LOGIN orphan WITH PASSWORD = 'Orph!2025x'`);
  assert.ok(primary().logins['orphan']);
  s.close();
  assert.is(primary().logins['orphan'], undefined);
});

test('transaction-manager requests (BEGIN, ROLLBACK) undo the same way', async () => {
  const s = await session();
  assert.is(instance.handler.transaction(s.session, 'begin'), undefined);
  await s.query(`CREATE LOGIN tm1 WITH PASSWORD = 'Tm1!pass2025'`);
  assert.is(instance.handler.transaction(s.session, 'rollback'), undefined);
  assert.is(primary().logins['tm1'], undefined);
  assert.equal(instance.handler.transaction(s.session, 'rollback')?.number, 3903);
  s.close();
});

test('inside a transaction ALTER DATABASE … SET PARTNER, CREATE ENDPOINT, CREATE DATABASE are 226; BACKUP and RESTORE 3021 then 3013', async () => {
  const s = await session();
  await s.query('BEGIN TRAN');
  assert.equal(errorNumbers(await s.query(`ALTER DATABASE Patriot SET PARTNER = 'TCP://sqlmir01.lab.local:5022'`)), [226]);
  assert.equal(
    errorNumbers(await s.query(`CREATE ENDPOINT Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = PARTNER)`)),
    [226],
  );
  assert.equal(errorNumbers(await s.query(`CREATE DATABASE InTx`)), [226]);
  assert.equal(errorNumbers(await s.query(`BACKUP DATABASE Patriot TO DISK = 'C:\\Temp\\p.bak'`)), [3021, 3013]);
  assert.equal(errorNumbers(await s.query(`RESTORE DATABASE Patriot FROM DISK = 'C:\\Temp\\p.bak'`)), [3021, 3013]);
  assert.equal(await scalar(s, 'SELECT @@TRANCOUNT'), 1);
  await s.query('ROLLBACK');
  s.close();
});

test.run();
