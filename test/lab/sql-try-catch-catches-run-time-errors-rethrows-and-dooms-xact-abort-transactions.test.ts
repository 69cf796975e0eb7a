// TRY…CATCH as learn.microsoft.com documents it ("TRY...CATCH (Transact-SQL)", "XACT_STATE",
// "THROW", the ERROR_* functions): what it catches and what it does not, the error functions, THROW
// without arguments, and a transaction doomed by XACT_ABORT. In process for the semantics, then
// through FreeTDS tsql and the mssql driver against a running lab. The old lab answered Msg 102.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { runTsql, startTestLab, type TestLab } from '../helpers/lab.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const site = createSite({ adminPassword: PASSWORD });
const instance = inProcessInstance(site, 'SQLPRI01');
async function session(): Promise<InProcessSession> {
  const s = await signIn(instance, 'mirrorbook', PASSWORD);
  return s;
}
const ERROR_ROW =
  'SELECT ERROR_NUMBER() AS n, ERROR_SEVERITY() AS sev, ERROR_STATE() AS st, ERROR_LINE() AS line, ERROR_PROCEDURE() AS proc_name, ERROR_MESSAGE() AS msg';

let lab: TestLab | undefined;
test.after(async () => {
  await lab?.stop();
});

test('a run-time error in TRY goes to CATCH unsent; the TRY stops there; ERROR_*() describe it; the batch goes on after END CATCH', async () => {
  const s = await session();
  const r = await s.query(`BEGIN TRY
  SELECT 'before' AS step;
  RAISERROR('The mirror is %s.', 16, 7, N'not synchronized');
  SELECT 'not reached' AS step;
END TRY
BEGIN CATCH
  ${ERROR_ROW};
END CATCH
SELECT 'after' AS step, ERROR_NUMBER() AS outside`);
  assert.equal(r.errors, [], 'a caught error is not sent to the client');
  assert.equal(
    r.resultSets.map((set) => set.rows),
    [[['before']], [[50000, 16, 7, 3, null, 'The mirror is not synchronized.']], [['after', null]]],
  );
  s.close();
});

test('a server error is caught with its own number, severity and state; from a system procedure ERROR_PROCEDURE names it; @@ERROR at CATCH', async () => {
  const s = await session();
  const r = await s.query(`BEGIN TRY
  EXEC sp_addsrvrolemember N'nobody', N'sysadmin';
END TRY
BEGIN CATCH
  SELECT @@ERROR AS at_catch, ERROR_NUMBER() AS n, ERROR_PROCEDURE() AS p;
END CATCH`);
  assert.equal(r.errors, []);
  assert.equal(r.resultSets[0]?.rows, [[15151, 15151, 'sp_addsrvrolemember']]);
  s.close();
});

test('nested: an error in an inner CATCH goes to the outer CATCH; ERROR_*() answer the innermost error', async () => {
  const s = await session();
  const r = await s.query(`BEGIN TRY
  BEGIN TRY
    THROW 51000, 'inner', 1;
  END TRY
  BEGIN CATCH
    SELECT ERROR_MESSAGE() AS m;
    BEGIN TRY
      THROW 52000, 'in the catch', 2;
    END TRY
    BEGIN CATCH
      SELECT ERROR_MESSAGE() AS m;
    END CATCH
    SELECT ERROR_MESSAGE() AS m;
    RAISERROR('from the inner catch', 16, 3);
  END CATCH
END TRY
BEGIN CATCH
  SELECT ERROR_NUMBER() AS n, ERROR_MESSAGE() AS m, ERROR_STATE() AS st;
END CATCH`);
  assert.equal(r.errors, []);
  assert.equal(
    r.resultSets.map((set) => set.rows),
    [[['inner']], [['in the catch']], [['inner']], [[50000, 'from the inner catch', 3]]],
  );
  s.close();
});

test('THROW without arguments in CATCH raises the caught error again as it was, and ends the batch', async () => {
  const s = await session();
  const r = await s.query(`BEGIN TRY
  EXEC sp_addsrvrolemember N'nobody', N'sysadmin';
END TRY
BEGIN CATCH
  PRINT 'logging it';
  THROW;
END CATCH
SELECT 'not reached'`);
  assert.equal(
    r.errors.map((e) => [e.number, e.class, e.state]),
    [[15151, 16, 1]],
  );
  assert.equal(
    r.messages.map((m) => m.message),
    ['logging it', r.errors[0]!.message],
  );
  assert.equal(r.resultSets, []);
  s.close();
});

test('not caught: severity 10 or less passes as a message; a name-resolution error at the TRY level is sent and ends the batch, but from sp_executesql it is caught; a syntax error fails the batch', async () => {
  const s = await session();
  const info = await s.query(`BEGIN TRY RAISERROR('only information', 10, 1); SELECT 'still in TRY' AS s; END TRY BEGIN CATCH SELECT 'caught' AS s; END CATCH`);
  assert.equal(
    info.messages.map((m) => [m.number, m.class]),
    [[50000, 10]],
  );
  assert.equal(info.resultSets[0]?.rows, [['still in TRY']]);

  const sameLevel = await s.query(`BEGIN TRY SELECT * FROM dbo.NoSuchTable; END TRY BEGIN CATCH SELECT 'caught' AS s; END CATCH\nSELECT 'after' AS s`);
  assert.equal(
    sameLevel.errors.map((e) => e.number),
    [208],
  );
  assert.equal(sameLevel.resultSets, []);

  const lower = await s.query(`BEGIN TRY EXEC sp_executesql N'SELECT * FROM dbo.NoSuchTable'; END TRY BEGIN CATCH ${ERROR_ROW}; END CATCH`);
  assert.equal(lower.errors, []);
  assert.equal(lower.resultSets[0]?.rows, [[208, 16, 1, 1, null, "Invalid object name 'dbo.NoSuchTable'."]]);

  const syntax = await s.query(`BEGIN TRY SELEKT 1; END TRY BEGIN CATCH SELECT 'caught' AS s; END CATCH`);
  assert.equal(
    syntax.errors.map((e) => e.number),
    [102],
  );
  assert.equal(syntax.resultSets, []);

  const between = await s.query(`BEGIN TRY SELECT 1 AS one; END TRY SELECT 2 AS two; BEGIN CATCH SELECT 3 AS three; END CATCH`);
  assert.equal(
    between.errors.map((e) => e.number),
    [102],
    'nothing may come between END TRY and BEGIN CATCH',
  );
  s.close();
});

test('XACT_STATE(): 0 with no transaction, 1 committable; under XACT_ABORT a caught error dooms it (-1): writes and COMMIT are 3930, a savepoint rollback 3931, ROLLBACK ends it', async () => {
  const s = await session();
  const ok = await s.query(
    `BEGIN TRAN; BEGIN TRY RAISERROR('x', 16, 1); END TRY BEGIN CATCH SELECT XACT_STATE() AS xs, @@TRANCOUNT AS tc; END CATCH COMMIT; SELECT XACT_STATE() AS xs`,
  );
  assert.equal(
    ok.resultSets.map((set) => set.rows),
    [[[1, 1]], [[0]]],
    'without XACT_ABORT the transaction stays committable',
  );

  const commit = await s.query(`SET XACT_ABORT ON;
BEGIN TRAN;
BEGIN TRY
  CREATE LOGIN doomed_login WITH PASSWORD = 'Str0ng!Passw0rd#1';
  EXEC sp_addsrvrolemember N'nobody', N'sysadmin';
END TRY
BEGIN CATCH
  SELECT XACT_STATE() AS xs, @@TRANCOUNT AS tc;
  COMMIT;
  SELECT 'not reached' AS s;
END CATCH`);
  assert.equal(
    commit.resultSets.map((set) => set.rows),
    [[[-1, 1]]],
  );
  assert.equal(
    commit.errors.map((e) => e.number),
    [3930],
    'COMMIT of a doomed transaction is refused, and XACT_ABORT ends the batch',
  );
  const gone = await s.query(`SELECT @@TRANCOUNT AS tc, (SELECT COUNT(*) FROM sys.server_principals WHERE name = 'doomed_login') AS logins`);
  assert.equal(gone.resultSets[0]?.rows, [[0, 0]], 'rolled back: the login created in the TRY is gone');

  // With XACT_ABORT turned off in the CATCH block the doomed transaction stays doomed, statement by statement.
  const statements = await s.query(`SET XACT_ABORT ON;
BEGIN TRAN;
SAVE TRAN sp1;
BEGIN TRY
  THROW 50001, 'dooms it', 1;
END TRY
BEGIN CATCH
  SET XACT_ABORT OFF;
  CREATE LOGIN another_login WITH PASSWORD = 'Str0ng!Passw0rd#2';
  ROLLBACK TRAN sp1;
  COMMIT;
  SELECT XACT_STATE() AS xs, @@TRANCOUNT AS tc;
END CATCH`);
  assert.equal(statements.resultSets[0]?.rows, [[-1, 1]]);
  assert.equal(
    statements.errors.map((e) => e.number),
    [3930, 3931, 3930, 3998],
    'write 3930, savepoint 3931, COMMIT 3930, then rolled back at the batch end',
  );
  const after = await s.query(`SELECT XACT_STATE() AS xs, (SELECT COUNT(*) FROM sys.server_principals WHERE name = 'another_login') AS logins`);
  assert.equal(after.resultSets[0]?.rows, [[0, 0]]);
  await s.query('SET XACT_ABORT OFF');
  s.close();
});

test('an uncommittable transaction left open at the end of the batch is rolled back with 3998', async () => {
  const s = await session();
  const r = await s.query(`SET XACT_ABORT ON; BEGIN TRAN; BEGIN TRY THROW 50001, 'x', 1; END TRY BEGIN CATCH SELECT XACT_STATE() AS xs; END CATCH`);
  assert.equal(r.resultSets[0]?.rows, [[-1]]);
  assert.equal(
    r.errors.map((e) => e.number),
    [3998],
  );
  assert.equal((await s.query('SELECT @@TRANCOUNT AS tc')).resultSets[0]?.rows, [[0]]);
  s.close();
});

test('through FreeTDS tsql and the mssql driver: the CATCH block answers, nothing is raised to the client', async () => {
  lab = await startTestLab({ inProcess: true });
  const script = `BEGIN TRY\n  EXEC sp_addsrvrolemember N'nobody', N'sysadmin'\nEND TRY\nBEGIN CATCH\n  SELECT 'caught ' + CAST(ERROR_NUMBER() AS varchar(10)) + ' xact ' + CAST(XACT_STATE() AS varchar(2)) AS what\nEND CATCH\ngo\n`;
  const tsql = await runTsql(lab.instance('SQLPRI01'), lab.password('SQLPRI01'), script);
  assert.match(tsql.stdout, /caught 15151 xact 0/);
  assert.not.match(tsql.stdout + tsql.stderr, /Msg \d+/);

  const pool = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust')).connect();
  try {
    const result = await pool
      .request()
      .query(
        `SET XACT_ABORT ON; BEGIN TRAN; BEGIN TRY THROW 51000, 'boom', 4; END TRY BEGIN CATCH SELECT ERROR_NUMBER() AS n, ERROR_STATE() AS st, XACT_STATE() AS xs; ROLLBACK; END CATCH`,
      );
    assert.equal(result.recordset, [{ n: 51000, st: 4, xs: -1 }]);
    const rethrown = await pool
      .request()
      .query(`BEGIN TRY THROW 51000, 'boom', 4; END TRY BEGIN CATCH THROW; END CATCH`)
      .then(
        () => undefined,
        (error: Error & { number?: number; state?: number }) => error,
      );
    assert.equal([rethrown?.number, rethrown?.state], [51000, 4]);
  } finally {
    await pool.close();
  }
});

test.run();
