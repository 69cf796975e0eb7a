// RAISERROR, THROW and PRINT with the numbers, severities and states SQL Server documents.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const lab = createSite({ adminPassword: PASSWORD });
const instance = inProcessInstance(lab, 'SQLPRI01');
async function session(): Promise<InProcessSession> {
  const s = await signIn(instance, 'mirrorbook', PASSWORD);
  return s;
}
const shape = (m: { number: number; class: number; state: number; message: string; line: number }) => [m.number, m.class, m.state, m.message, m.line];

test('RAISERROR: 50000 at the severity and state given, printf arguments, the batch goes on; severity 10 is informational', async () => {
  const s = await session();
  const r = await s.query(`RAISERROR('Database %s is %d%% behind', 16, 3, N'Patriot', 42)\nRAISERROR('just so you know', 10, 1)\nSELECT @@ERROR AS e`);
  assert.equal(r.messages.map(shape), [
    [50000, 16, 3, 'Database Patriot is 42% behind', 1],
    [50000, 10, 1, 'just so you know', 2],
  ]);
  assert.equal(r.resultSets[0]?.rows, [[0]]);
  s.close();
});

test('RAISERROR above 18 needs WITH LOG (2754); WITH LOG writes the error log; a message number without sp_addmessage is 18054', async () => {
  const s = await session();
  assert.equal(
    (await s.query(`RAISERROR('fatal', 19, 1)`)).errors.map((e) => e.number),
    [2754],
  );
  assert.equal(
    (await s.query(`RAISERROR('logged for the DBA', 16, 1) WITH LOG`)).errors.map((e) => e.number),
    [50000],
  );
  assert.ok(lab.instances['SQLPRI01']!.errorLog.some((line) => line.text === 'logged for the DBA'));
  assert.equal(
    (await s.query(`RAISERROR(50001, 16, 1)`)).errors.map((e) => e.number),
    [18054],
  );
  s.close();
});

test('THROW: severity 16, the number and state given, the batch ends; below 50000 is 35100; bare THROW outside CATCH is 10704', async () => {
  const s = await session();
  const r = await s.query(`THROW 51000, 'The mirror is not synchronized.', 2;\nSELECT 'not reached'`);
  assert.equal(r.errors.map(shape), [[51000, 16, 2, 'The mirror is not synchronized.', 1]]);
  assert.equal(r.resultSets, []);
  assert.equal(
    (await s.query(`THROW 49999, 'low', 1`)).errors.map((e) => e.number),
    [35100],
  );
  assert.equal(
    (await s.query(`THROW`)).errors.map((e) => e.number),
    [10704],
  );
  s.close();
});

test('THROW honours XACT_ABORT (the transaction is rolled back); RAISERROR does not', async () => {
  const s = await session();
  await s.query(`SET XACT_ABORT ON; BEGIN TRAN; RAISERROR('still open', 16, 1)`);
  assert.equal((await s.query('SELECT @@TRANCOUNT')).resultSets[0]?.rows, [[1]]);
  await s.query(`THROW 50001, 'rolled back', 1`);
  assert.equal((await s.query('SELECT @@TRANCOUNT')).resultSets[0]?.rows, [[0]]);
  s.close();
});

test('PRINT is message 0, severity 0, state 1', async () => {
  const s = await session();
  assert.equal((await s.query(`PRINT 'hello'`)).messages.map(shape), [[0, 0, 1, 'hello', 1]]);
  s.close();
});

test.run();
