// The TDS version a login speaks is the client's, capped by what the instance speaks (2008 R2:
// 7.3B, 2012+: 7.4); TDS 7.1 requests carry no ALL_HEADERS and get 4-byte DONE counts; LOGIN7
// may come without PRELOGIN; TDS 8.0 is refused before 2022; a batch may be as large as
// 65,536 packets of the negotiated size (MS-TDS 2.2.6.4, 2.2.7.14, 2.2.5.3, 2.2.7.6; "Maximum
// capacity specifications for SQL Server").

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { startTdsListener, type TdsListener } from '../../lab/tds/listener.js';
import { loadLabTlsCredentials } from '../../lab/tls/index.js';
import type { LoginRequest, LoginResult } from '../../lab/tds/handler.js';
import { FakeHandler, LOGIN } from '../fixtures/tds/fake-handler.js';
import { RawClient, Status, packet, sqlBatchPayload } from '../fixtures/tds/raw-client.js';
import sql from 'mssql';
import { startTestLab } from '../helpers/lab.js';

/** A FakeHandler that logs in as the given SQL Server major version. */
class VersionedHandler extends FakeHandler {
  constructor(private readonly major: number) {
    super();
  }
  override login(request: LoginRequest): LoginResult {
    const result = super.login(request);
    return result.ok ? { ...result, version: { major: this.major, minor: this.major === 10 ? 50 : 0, build: 6000 } } : result;
  }
}

const listeners: TdsListener[] = [];
async function listener(major: number): Promise<TdsListener> {
  const started = await startTdsListener({
    port: 0,
    serverName: 'VERSIONED',
    handler: new VersionedHandler(major),
    tls: loadLabTlsCredentials(),
    version: { major, minor: 0, build: 6000 },
  });
  listeners.push(started);
  return started;
}
test.after(async () => {
  await Promise.all(listeners.map((l) => l.close()));
});

/** LOGINACK's TDSVersion: the 4 bytes (big-endian) before ProgName "Microsoft SQL Server". */
function loginAckVersion(payload: Buffer): number {
  const name = Buffer.concat([Buffer.from([20]), Buffer.from('Microsoft SQL Server', 'utf16le')]);
  const at = payload.indexOf(name);
  assert.ok(at > 4, 'LOGINACK present');
  return payload.readUInt32BE(at - 4);
}

async function loginWith(l: TdsListener, tdsVersion: number, prelogin = true, packetSize?: number): Promise<{ client: RawClient; version: number }> {
  const client = await RawClient.open(l.port);
  const reply = await client.login({ ...LOGIN, tdsVersion, prelogin, ...(packetSize ? { packetSize } : {}) });
  assert.ok(reply, 'login answered');
  return { client, version: loginAckVersion(reply.payload) };
}

test('a 7.4 client on 2008 R2 speaks 7.3B; on 2012+ 7.4; a 7.1 or 7.2 client gets its own version everywhere', async () => {
  const r2 = await listener(10);
  const modern = await listener(15);
  for (const [l, asked, expected] of [
    [r2, 0x74000004, 0x730b0003],
    [modern, 0x74000004, 0x74000004],
    [r2, 0x71000001, 0x71000001],
    [modern, 0x72090002, 0x72090002],
  ] as const) {
    const { client, version } = await loginWith(l, asked);
    assert.is(version.toString(16), expected.toString(16), `asked 0x${asked.toString(16)}`);
    client.close();
  }
});

test('LOGIN7 without PRELOGIN is logged in; TDS 7.1 batches without ALL_HEADERS run and DONE counts are 4 bytes', async () => {
  const { client } = await loginWith(await listener(15), 0x71000001, false);
  client.send(packet(0x01, Status.eom, sqlBatchPayload('two counts', { allHeaders: false })));
  const reply = (await client.next())!.payload;
  // Two DONE tokens of 1 + 2 + 2 + 4 bytes: INSERT 3 (MORE|COUNT), then UPDATE 4 (COUNT).
  assert.equal([...reply], [0xfd, 0x11, 0, 0xc3, 0, 3, 0, 0, 0, 0xfd, 0x10, 0, 0xc5, 0, 4, 0, 0, 0]);
  client.close();
});

test('a TLS handshake where PRELOGIN belongs (TDS 8.0) is refused before 2022 and accepted by 2022', async () => {
  for (const [major, accepted] of [
    [15, false],
    [16, true],
  ] as const) {
    const l = await listener(major);
    const reply = await new Promise<'closed' | 'answered'>((resolve) => {
      const socket = connect(l.port, '127.0.0.1', () => socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00])));
      socket.once('data', () => (socket.destroy(), resolve('answered')));
      socket.once('close', () => resolve('closed'));
      socket.on('error', () => {});
    });
    assert.is(reply === 'answered', accepted, `SQL Server major ${major}`);
  }
});

test('a 17 MiB batch runs (SQL Server allows 65,536 × 4096 bytes); past 65,536 × the packet size the connection closes', async () => {
  const l = await listener(15);
  const { client } = await loginWith(l, 0x74000004);
  const big = sqlBatchPayload(`raise error${' '.repeat(17 * 512 * 1024)}`);
  for (let at = 0; at < big.length; at += 4088) client.send(packet(0x01, at + 4088 >= big.length ? Status.eom : 0, big.subarray(at, at + 4088)));
  const reply = await client.next();
  assert.ok(reply && reply.payload[0] === 0xaa, 'the handler answered the 17 MiB batch');
  client.close();
  const small = await loginWith(l, 0x74000004, true, 512);
  const chunk = packet(0x01, 0, Buffer.alloc(504));
  // 65,536 × 512 bytes of batch, then one packet more.
  for (let i = 0; i <= Math.ceil((65_536 * 512) / 504); i++) small.client.send(chunk);
  assert.is(await small.client.next(), undefined, 'closed past 65,536 × 512 bytes');
});

test('an instance closes a connection whose batch passes 65,536 × its packet size and writes why in its error log (the client is sent nothing)', async () => {
  const lab = await startTestLab({ inProcess: true });
  try {
    const big = await new sql.ConnectionPool(
      lab.mssqlConfig('SQLPRI01', 'trust', { options: { packetSize: 512, encrypt: true, trustServerCertificate: true } }),
    ).connect();
    big.on('error', () => undefined);
    // 65,536 × 512 bytes is 32 MiB: 17 million UTF-16 characters pass it.
    const failed = await big
      .request()
      .query(`SELECT '${'x'.repeat(17_000_000)}'`)
      .then(
        () => undefined,
        (error: Error) => error,
      );
    assert.ok(failed, 'the oversized batch did not run');
    assert.not.match(failed!.message, /^Incorrect syntax|Msg \d+/);
    await big.close().catch(() => undefined);
    const pool = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01', 'trust')).connect();
    const log = await pool.request().query(`EXEC sp_readerrorlog 0, 1, N'connection has been closed'`);
    await pool.close();
    assert.equal(log.recordset.length, 1);
    assert.match(log.recordset[0].Text, /larger than 33554432 bytes \(65,536 × its network packet size of 512 bytes\).*the connection has been closed/);
  } finally {
    await lab.stop();
  }
});

test.run();
