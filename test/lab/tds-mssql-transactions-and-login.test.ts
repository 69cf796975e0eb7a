import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { MODES, startFakeServer, waitFor, type FakeServer } from '../fixtures/tds/fake-server.js';

let server: FakeServer;
test.before(async () => {
  server = await startFakeServer();
});
test.after(async () => {
  await server.close();
});

for (const mode of MODES) {
  test(`${mode}: sql.Transaction begin/commit and begin/rollback go through TRANSACTION_MANAGER`, async () => {
    const pool = await server.connect(mode);
    server.handler.transactions.length = 0;
    const commit = new sql.Transaction(pool);
    await commit.begin();
    await new sql.Request(commit).query('select 1;');
    await commit.commit();
    const rollback = new sql.Transaction(pool);
    await rollback.begin();
    await new sql.Request(rollback).batch('select multi');
    await rollback.rollback();
    assert.equal(server.handler.transactions, ['begin', 'commit', 'begin', 'rollback']);
  });

  test(`${mode}: a wrong password fails with ELOGIN and 18456's message, and the socket is closed`, async () => {
    const open = server.listener.connectionCount();
    const pool = new sql.ConnectionPool(server.config(mode, { password: 'wrong' }));
    const error = await pool.connect().then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    assert.is(error?.code, 'ELOGIN');
    assert.is(error?.message, "Login failed for user 'sa'.");
    await waitFor(() => server.listener.connectionCount() === open, 'the failed connection to close');
  });
}

test('closing the client calls handler.disconnect with the session; dropConnections() closes the rest', async () => {
  const own = await startFakeServer();
  try {
    const pool = new sql.ConnectionPool(own.config('tls-trust', { pool: { min: 0, max: 1 } }));
    await pool.connect();
    await pool.request().query('select 1;');
    const spid = own.handler.batches.at(-1)?.session.spid;
    await pool.close();
    await waitFor(() => own.handler.disconnected.some((s) => s.spid === spid), 'disconnect');
    assert.is(own.handler.disconnected.find((s) => s.spid === spid)?.login, 'sa');

    const other = await own.connect('plain', { pool: { min: 0, max: 1 } });
    await other.request().query('select 1;');
    const otherSpid = own.handler.batches.at(-1)?.session.spid;
    assert.is(own.listener.connectionCount(), 1);
    own.listener.dropConnections();
    await waitFor(() => own.listener.connectionCount() === 0, 'dropped connections');
    assert.ok(
      own.handler.disconnected.some((s) => s.spid === otherSpid),
      'the dropped session was disconnected',
    );
  } finally {
    await own.close();
  }
});

test.run();
