// sp_getapplock / sp_releaseapplock / APPLOCK_MODE as documented: return codes 0 / 1 / -1 / -999,
// Session-owned locks held until released or until the session logs off, names compared binary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { startTestLab, type TestLab } from '../helpers/lab.js';

let lab: TestLab;
test.before(async () => {
  lab = await startTestLab({ inProcess: true });
});
test.after(async () => {
  await lab?.stop();
});

const connect = () => new sql.ConnectionPool({ ...lab.mssqlConfig('SQLPRI01'), pool: { max: 1, min: 1 } }).connect();
const getLock = async (pool: sql.ConnectionPool, resource: string, timeoutMs: number, owner = 'Session'): Promise<number> =>
  (
    await pool
      .request()
      .query(
        `DECLARE @r int; EXEC @r = sp_getapplock @Resource = N'${resource}', @LockMode = 'Exclusive', @LockOwner = '${owner}', @LockTimeout = ${timeoutMs}; SELECT @r AS r`,
      )
  ).recordset[0].r as number;

test('an Exclusive session lock: 0 for the holder, -1 for another session at once, 1 once it is released by a logoff', async () => {
  const a = await connect();
  const b = await connect();
  try {
    assert.is(await getLock(a, 'mirrorbook:pair:X', 0), 0);
    assert.is((await a.request().query("SELECT APPLOCK_MODE('public', N'mirrorbook:pair:X', 'Session') AS m")).recordset[0].m, 'Exclusive');
    assert.is((await b.request().query("SELECT APPLOCK_MODE('public', N'mirrorbook:pair:X', 'Session') AS m")).recordset[0].m, 'NoLock');
    assert.is(await getLock(b, 'mirrorbook:pair:X', 0), -1, 'held by another session');
    assert.is(await getLock(b, 'mirrorbook:pair:x', 0), 0, 'resource names are case-sensitive');
    const bSpid = (await b.request().query('SELECT @@SPID AS s')).recordset[0].s as number;
    const waiting = getLock(b, 'mirrorbook:pair:X', 10_000);
    // Only once b's request waits does a log off.
    while ((await a.request().query(`SELECT COUNT(*) AS n FROM sys.dm_exec_requests WHERE session_id = ${bSpid}`)).recordset[0].n === 0)
      await new Promise((r) => setTimeout(r, 10));
    await a.close();
    assert.is(await waiting, 1, 'granted after waiting for the holder to log off');
  } finally {
    await a.close().catch(() => {});
    await b.close();
  }
});

test('release: 0 for a held lock, -999 and Msg 1223 for one not held; Transaction owner outside a transaction is -999', async () => {
  const a = await connect();
  try {
    assert.is(await getLock(a, 'r1', 0), 0);
    const released = await a.request().query("DECLARE @r int; EXEC @r = sp_releaseapplock @Resource = N'r1', @LockOwner = 'Session'; SELECT @r AS r");
    assert.is(released.recordset[0].r, 0);
    const again = await a
      .request()
      .query("DECLARE @r int; EXEC @r = sp_releaseapplock @Resource = N'r1', @LockOwner = 'Session'; SELECT @r AS r")
      .catch((e: { number?: number }) => e);
    assert.is((again as { number?: number }).number, 1223);
    assert.is(await getLock(a, 'r2', 0, 'Transaction'), -999);
  } finally {
    await a.close();
  }
});

test.run();
