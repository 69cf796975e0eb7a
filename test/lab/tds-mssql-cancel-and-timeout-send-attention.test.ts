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
  test(`${mode}: request.cancel() during a long handler call → ECANCEL, handler aborted, connection reusable`, async () => {
    const pool = await server.connect(mode, { pool: { min: 0, max: 1 } });
    const request = pool.request();
    const progress: string[] = [];
    request.on('info', (info: { message: string }) => progress.push(info.message));
    const before = server.handler.aborted.length;
    const running = request.batch('waitfor progress').then(
      () => undefined,
      (e: unknown) => e,
    );
    // The progress message is streamed before the statement ends: cancel once it has arrived.
    await waitFor(() => progress.length > 0, 'the streamed progress message');
    request.cancel();
    const error = (await running) as { code?: string } | undefined;
    assert.is(error?.code, 'ECANCEL');
    assert.is(server.handler.aborted.length, before + 1, "the handler's AbortSignal fired");
    const again = await pool.request().query('select 1;');
    assert.equal(again.recordset[0], { '': 1 });
  });

  // tedious stops its request timer at the first response packet, so this statement stays silent.
  test(`${mode}: requestTimeout → ATTENTION → ETIMEOUT, connection reusable`, async () => {
    const pool = await server.connect(mode, { pool: { min: 0, max: 1 }, requestTimeout: 300 });
    const before = server.handler.aborted.length;
    const error = await pool
      .request()
      .query('waitfor silent')
      .then(
        () => undefined,
        (e: unknown) => e as { code?: string },
      );
    assert.is(error?.code, 'ETIMEOUT');
    assert.is(server.handler.aborted.length, before + 1);
    assert.equal((await pool.request().query('select multi')).rowsAffected, [1, 2, 3]);
  });
}

test('cancel while the "slow" fault delays the response never runs the handler', async () => {
  // validateConnection would put its own SELECT 1 ahead of ours.
  const pool = await server.connect('plain', { pool: { min: 0, max: 1 }, validateConnection: false } as Partial<sql.config>);
  await pool.request().query('select 1;');
  const count = server.handler.batches.length;
  server.delay.ms = 60_000;
  try {
    const request = pool.request();
    const reads = server.delay.reads;
    const running = request.batch('select multi').then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    await waitFor(() => server.delay.reads > reads, 'the request to reach the listener');
    request.cancel();
    assert.is((await running)?.code, 'ECANCEL');
    assert.is(server.handler.batches.length, count, 'the cancelled batch never reached the handler');
  } finally {
    server.delay.ms = 0;
  }
  assert.equal((await pool.request().batch('select multi')).rowsAffected, [1, 2, 3]);
});

test.run();
