// ALTER DATABASE … SET SINGLE_USER as "Set a database to single-user mode" documents it: the mode is
// kept (sys.databases, DATABASEPROPERTYEX), WITH ROLLBACK IMMEDIATE closes the other connections,
// then one connection at a time is let in (924 for the next); MULTI_USER opens it again. A database
// in a mirroring session refuses it (1468).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { startTestLab } from '../helpers/lab.js';
import { executeAlterDatabase } from '../../lab/storage/alter-database.js';
import { SqlError } from '../../lab/errors.js';
import { PRI, envAt, mirroredLab } from './mirroring-fixture.js';

type Failure = { number?: number; precedingErrors?: Array<{ number?: number }> };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: Failure) => error,
  );

test('SINGLE_USER: refused while others are in it, kept WITH ROLLBACK IMMEDIATE, one connection at a time, MULTI_USER reopens', async () => {
  const lab = await startTestLab({ inProcess: true });
  const pool = (database = 'master') => new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust', { database, pool: { min: 0, max: 1 } })).connect();
  const admin = await pool();
  const other = await pool('Patriot');
  try {
    const otherSpid = (await other.request().query('SELECT @@SPID AS spid')).recordset[0].spid;
    const refused = await failure(admin.request().batch('ALTER DATABASE Patriot SET SINGLE_USER'));
    assert.equal([...(refused?.precedingErrors ?? []).map((e) => e.number), refused?.number], [5061, 5069]);
    assert.is((await admin.request().query("SELECT user_access_desc FROM sys.databases WHERE name = 'Patriot'")).recordset[0].user_access_desc, 'MULTI_USER');

    await admin.request().batch('ALTER DATABASE Patriot SET SINGLE_USER WITH ROLLBACK IMMEDIATE');
    const state = (
      await admin
        .request()
        .query("SELECT user_access_desc, CAST(DATABASEPROPERTYEX('Patriot', 'UserAccess') AS nvarchar(20)) AS prop FROM sys.databases WHERE name = 'Patriot'")
    ).recordset[0];
    assert.equal([state.user_access_desc, state.prop], ['SINGLE_USER', 'SINGLE_USER']);
    // The other connection (and the Patriot services) were closed without warning.
    const inPatriot = (await admin.request().query("SELECT session_id FROM sys.dm_exec_sessions WHERE database_id = DB_ID('Patriot')")).recordset;
    assert.equal(inPatriot, [], `still in Patriot: ${JSON.stringify(inPatriot)} (the other connection was ${otherSpid})`);

    await admin.request().batch('USE Patriot');
    const second = await pool();
    try {
      const taken = await failure(second.request().batch('USE Patriot'));
      assert.is(taken?.number, 924);
      await admin.request().batch('USE master; ALTER DATABASE Patriot SET MULTI_USER');
      await second.request().batch('USE Patriot');
      assert.is((await admin.request().query("SELECT user_access_desc FROM sys.databases WHERE name = 'Patriot'")).recordset[0].user_access_desc, 'MULTI_USER');
    } finally {
      await second.close();
    }
  } finally {
    await other.close().catch(() => undefined);
    await admin.close();
    await lab.stop();
  }
});

test('a database in a mirroring session refuses SINGLE_USER with 1468 and stays MULTI_USER', async () => {
  const { lab, clock } = await mirroredLab();
  const error = await Promise.resolve(
    executeAlterDatabase(envAt(lab, PRI, clock), {
      kind: 'alterDatabase',
      line: 1,
      name: 'Patriot',
      action: { kind: 'userAccess', access: 'SINGLE_USER' },
      termination: { kind: 'rollbackImmediate' },
    }),
  ).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof SqlError);
  assert.is(error.number, 1468);
  assert.is(lab.instances[PRI]!.databases.Patriot!.userAccess, undefined);
});

test.run();
