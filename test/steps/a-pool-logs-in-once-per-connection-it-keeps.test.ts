// mssql's connect() logs in twice for a pool's first connection (a test connection it closes, then
// the pool's own). The pool mirrorbook uses keeps the test connection: one login per connection it
// keeps, seen from the server's side (the lab's batch log, one session per login), and nothing left
// open by a pool closed before its first statement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mssql from 'mssql';
import { oneLoginPool } from '../../steps/one-login-pool.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';

let lab: TestLab;
test.before(async () => {
  lab = await startTestLab();
});
test.after(async () => {
  await lab?.stop();
});

/** The sessions that logged in as `app` on SQLPRI01 (each login's first batch names its session). */
function sessionsOf(app: string): Set<number> {
  const log = readFileSync(join(lab.dir, 'logs', 'SQLPRI01.ndjson'), 'utf8');
  const batches = log
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { app: string; spid: number });
  return new Set(batches.filter((b) => b.app === app).map((b) => b.spid));
}

const configFor = (app: string, pool: { min: number; max: number }) =>
  lab.mssqlConfig('SQLPRI01', 'trust', { options: { appName: app, encrypt: true, trustServerCertificate: true }, pool });

test('a pool of one connection used three times: one login, where a plain mssql pool makes two', async () => {
  for (const [app, open] of [
    ['one-login', (c: mssql.config) => oneLoginPool(mssql, c)],
    ['plain-mssql', (c: mssql.config) => new mssql.ConnectionPool(c)],
  ] as const) {
    const pool = await open(configFor(app, { min: 0, max: 1 })).connect();
    for (let i = 0; i < 3; i++) assert.equal((await pool.request().query('SELECT 1 AS one')).recordset, [{ one: 1 }]);
    await pool.close();
  }
  assert.is(sessionsOf('one-login').size, 1, 'the test connection is the pool’s connection');
  assert.is(sessionsOf('plain-mssql').size, 2, 'mssql itself logs in twice (what this pool saves)');
});

test('a pool that keeps one connection open (min 1, the pair lock’s) logs in once', async () => {
  const pool = await oneLoginPool(mssql, configFor('kept-open', { min: 1, max: 1 })).connect();
  await pool.request().query('SELECT 1 AS one');
  await pool.request().query('SELECT 2 AS two');
  await pool.close();
  assert.is(sessionsOf('kept-open').size, 1);
});

test('a pool closed before its first statement closes the connection it kept', async () => {
  const pool = await oneLoginPool(mssql, configFor('closed-early', { min: 0, max: 2 })).connect();
  await pool.close();
  const still = await new mssql.ConnectionPool(configFor('probe', { min: 0, max: 1 })).connect();
  try {
    const rows = (await still.request().query("SELECT COUNT(*) AS n FROM sys.dm_exec_sessions WHERE program_name = N'closed-early'")).recordset;
    assert.equal(rows, [{ n: 0 }]);
  } finally {
    await still.close();
  }
});

test.run();
