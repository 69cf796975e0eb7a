import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { MODES, startFakeServer, type FakeServer } from '../fixtures/tds/fake-server.js';

let server: FakeServer;
test.before(async () => {
  server = await startFakeServer();
});
test.after(async () => {
  await server.close();
});

async function expectRequestError(run: () => Promise<unknown>): Promise<sql.RequestError> {
  try {
    await run();
  } catch (error) {
    assert.instance(error, sql.RequestError);
    return error as sql.RequestError;
  }
  throw new Error('expected a RequestError');
}

for (const mode of MODES) {
  test(`${mode}: an ERROR token becomes a RequestError with number/class/state/line/server, via RPC and batch`, async () => {
    const pool = await server.connect(mode);
    for (const run of [() => pool.request().query('raise error'), () => pool.request().batch('raise error')]) {
      const error = await expectRequestError(run);
      assert.is(error.number, 50000);
      assert.is(error.class, 16);
      assert.is(error.state, 2);
      assert.is(error.lineNumber, 3);
      assert.is(error.serverName, 'FAKESQL');
      assert.is(error.message, 'Something broke.');
      assert.is(error.code, 'EREQUEST');
    }
    const ok = await pool.request().query('select 1;');
    assert.equal(ok.recordset[0], { '': 1 }, 'the connection is usable after an error');
  });

  test(`${mode}: an INFO token reaches request.on('info')`, async () => {
    const pool = await server.connect(mode);
    const request = pool.request();
    const infos: Array<{ number: number; message: string; class: number }> = [];
    request.on('info', (info: { number: number; message: string; class: number }) => infos.push(info));
    await request.batch('print info');
    assert.equal(
      infos.map((i) => [i.number, i.message, i.class]),
      [[0, 'Hello from the lab.', 0]],
    );
  });
}

test('a handler that throws a non-SQL error answers Msg 50000 "Lab internal error" and keeps the connection', async () => {
  const pool = await server.connect('plain', { pool: { min: 0, max: 1 } });
  const originalError = console.error;
  console.error = () => {};
  try {
    const error = await expectRequestError(() => pool.request().batch('throw bug'));
    assert.is(error.number, 50000);
    assert.match(error.message, /Lab internal error: fake handler bug/);
  } finally {
    console.error = originalError;
  }
  assert.is((await pool.request().batch('select 1;')).recordset.length, 1);
});

test.run();
