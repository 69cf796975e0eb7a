// A failover kills the sessions using the database on the old principal, not the others: a pool
// connected to Patriot sees its connection closed, one in master keeps working, and a fresh
// connection to the new principal works (what a client with Failover Partner does next).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { startTestLab, waitFor, type TestLab } from '../helpers/lab.js';
import { connectPair, quickBackups, setUpMirroring, waitForState, connect } from '../fixtures/lab/pair.js';

let lab: TestLab;
const pools: sql.ConnectionPool[] = [];
const pool = async (instance: string, database: string): Promise<sql.ConnectionPool> => {
  const opened = await new sql.ConnectionPool(lab.mssqlConfig(instance, 'trust', { database, pool: { min: 0, max: 1 } })).connect();
  pools.push(opened);
  return opened;
};
const spidOf = async (p: sql.ConnectionPool): Promise<number> => Number((await p.request().query('SELECT @@SPID AS spid')).recordset[0].spid);

test.before(async () => {
  lab = await startTestLab({ inProcess: true });
  await quickBackups(lab);
  const pair = await connectPair(lab);
  await setUpMirroring(pair);
  await pair.close();
});

test.after(async () => {
  await Promise.all(pools.map((p) => p.close().catch(() => {})));
  await lab.stop();
});

test('at failover the old principal closes the connection using Patriot and keeps the one in master', async () => {
  const patriot = await pool('SQLPRI01', 'Patriot');
  const master = await pool('SQLPRI01', 'master');
  const patriotSpid = await spidOf(patriot);
  const masterSpid = await spidOf(master);
  let closed = false;
  patriot.on('error', () => {});
  const admin = await connect(lab, 'SQLPRI01');
  const spids = async () => (await admin.run('SELECT session_id FROM sys.dm_exec_sessions')).map((row) => Number(row.session_id));
  assert.ok((await spids()).includes(patriotSpid));

  await admin.run('USE master; ALTER DATABASE Patriot SET PARTNER FAILOVER');
  await admin.close();

  const check = await connect(lab, 'SQLPRI01');
  await waitFor('the Patriot session to be gone', async () => {
    const live = (await check.run('SELECT session_id FROM sys.dm_exec_sessions')).map((row) => Number(row.session_id));
    return !live.includes(patriotSpid);
  });
  try {
    await patriot.request().query("SELECT name FROM sys.databases WHERE name = 'Patriot'");
  } catch {
    closed = true;
  }
  const again = await spidOf(patriot).catch(() => -1);
  assert.ok(closed || again !== patriotSpid, 'the Patriot connection was not closed');
  assert.is(await spidOf(master), masterSpid);
  await check.close();
});

test('a fresh connection to Patriot on the new principal works', async () => {
  const mir = await connect(lab, 'SQLMIR01');
  await waitForState(mir, 'Patriot', 'SYNCHRONIZED');
  await mir.close();
  const fresh = await pool('SQLMIR01', 'Patriot');
  const row = (await fresh.request().query('SELECT DB_NAME() AS db')).recordset[0];
  assert.is(row.db, 'Patriot');
});

test.run();
