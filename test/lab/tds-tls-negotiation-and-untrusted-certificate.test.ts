import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import sql from 'mssql';
import { loadLabTlsCredentials } from '../../lab/tls/index.js';
import { startFakeServer, type FakeServer } from '../fixtures/tds/fake-server.js';
import { Status, packet, preloginPayload } from '../fixtures/tds/raw-client.js';

let server: FakeServer;
test.before(async () => {
  server = await startFakeServer();
});
test.after(async () => {
  await server.close();
});

test('TDS 8.0: TLS 1.3 with ALPN tds/8.0 from the first byte, then PRELOGIN inside TLS answered NOT_SUP', async () => {
  const socket: TLSSocket = await new Promise((resolve, reject) => {
    const s = tlsConnect(
      { host: '127.0.0.1', port: server.listener.port, servername: 'localhost', ca: loadLabTlsCredentials().cert, ALPNProtocols: ['tds/8.0'] },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  try {
    assert.is(socket.alpnProtocol, 'tds/8.0');
    assert.is(socket.getProtocol(), 'TLSv1.3');
    const reply: Buffer = await new Promise((resolve) => {
      let got = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 8 && got.length >= got.readUInt16BE(2)) resolve(got);
      });
      socket.write(packet(0x12, Status.eom, preloginPayload()));
    });
    assert.is(reply[0], 0x04, 'tabular result');
    const body = reply.subarray(8);
    // Walk the option table to ENCRYPTION (token 1).
    let at = 0;
    while (body[at] !== 0x01) at += 5;
    assert.is(body[body.readUInt16BE(at + 1)], 0x02, 'ENCRYPTION = NOT_SUP: TLS is already up');
  } finally {
    socket.destroy();
  }
});

for (const encrypt of [true, 'strict'] as const) {
  test(`encrypt: ${String(encrypt)} without the lab CA fails client-side with ESOCKET; the listener keeps serving`, async () => {
    const pool = new sql.ConnectionPool({
      server: 'localhost',
      port: server.listener.port,
      user: 'sa',
      password: 'Passw0rd!',
      options: { encrypt: encrypt as boolean, trustServerCertificate: false },
    });
    const error = await pool.connect().then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    assert.is(error?.code, 'ESOCKET');
    assert.match(String(error?.message), /self[- ]signed certificate/);
    const good = await server.connect('tls-verify');
    assert.equal((await good.request().query('select 1;')).recordset[0], { '': 1 });
  });
}

test.run();
