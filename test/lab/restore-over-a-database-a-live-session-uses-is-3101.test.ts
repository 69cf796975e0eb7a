import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { startTestLab, waitFor } from '../helpers/lab.js';

test('RESTORE WITH REPLACE over a database another mssql connection is in: 3101; once it leaves, the restore runs', async () => {
  const lab = await startTestLab({ inProcess: true });
  await lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '50' });
  const admin = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust', { pool: { min: 0, max: 1 } })).connect();
  try {
    await admin.request().batch('CREATE DATABASE Scratch');
    await admin.request().batch("BACKUP DATABASE Scratch TO DISK = N'Scratch.bak' WITH INIT");
    const user = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust', { database: 'Scratch', pool: { min: 0, max: 1 } })).connect();
    await user.request().query('SELECT 1 AS one');
    type Failure = { number?: number; precedingErrors?: Array<{ number?: number }> };
    const refused = await admin
      .request()
      .batch("RESTORE DATABASE Scratch FROM DISK = N'Scratch.bak' WITH REPLACE")
      .then(
        () => null,
        (error: Failure) => error,
      );
    assert.equal([...(refused?.precedingErrors ?? []).map((e) => e.number), refused?.number], [3101, 3013]);
    await user.close();
    await waitFor(
      'the user session to end',
      async () => (await admin.request().query("SELECT COUNT(*) AS n FROM sys.dm_exec_sessions WHERE database_id = DB_ID('Scratch')")).recordset[0].n === 0,
    );
    await admin.request().batch("RESTORE DATABASE Scratch FROM DISK = N'Scratch.bak' WITH REPLACE");
    const state = (await admin.request().query("SELECT state_desc FROM sys.databases WHERE name = 'Scratch'")).recordset[0].state_desc;
    assert.is(state, 'ONLINE');
  } finally {
    await admin.close();
    await lab.stop();
  }
});

test.run();
