import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOGIN } from '../fixtures/tds/fake-handler.js';
import { startFakeServer, waitFor, type FakeServer } from '../fixtures/tds/fake-server.js';
import { RawClient, Status, doneTokens, executeSqlPayload, login7Payload, packet, preloginPayload, sqlBatchPayload } from '../fixtures/tds/raw-client.js';

let server: FakeServer;
test.before(async () => {
  server = await startFakeServer();
});
test.after(async () => {
  await server.close();
});

async function loggedIn(packetSize?: number): Promise<RawClient> {
  const client = await RawClient.open(server.listener.port);
  const reply = await client.login({ ...LOGIN, packetSize });
  assert.ok(reply && reply.payload.includes(Buffer.from([0xad])), 'LOGINACK received');
  return client;
}

test('DONE bits: a batch ends MORE|COUNT … then COUNT without MORE; an RPC ends DONEINPROC, RETURNSTATUS, DONEPROC', async () => {
  const client = await loggedIn();
  client.send(packet(0x01, Status.eom, sqlBatchPayload('two counts')));
  assert.equal(doneTokens((await client.next())!.payload), [
    { token: 0xfd, status: 0x11, curCmd: 0xc3, rowCount: 3 },
    { token: 0xfd, status: 0x10, curCmd: 0xc5, rowCount: 4 },
  ]);
  client.send(packet(0x03, Status.eom, executeSqlPayload('two counts')));
  assert.equal(doneTokens((await client.next())!.payload), [
    { token: 0xff, status: 0x11, curCmd: 0xc3, rowCount: 3 },
    { token: 0xff, status: 0x11, curCmd: 0xc5, rowCount: 4 },
    { token: 0xfe, status: 0x00, curCmd: 0xe0, rowCount: 0 },
  ]);
  client.send(packet(0x01, Status.eom, sqlBatchPayload('raise error')));
  const error = (await client.next())!.payload;
  assert.is(error[0], 0xaa, 'ERROR token first');
  assert.equal(doneTokens(error.subarray(error.length - 13)), [{ token: 0xfd, status: 0x02, curCmd: 0, rowCount: 0 }]);
  client.close();
});

test('an ATTENTION with nothing running gets only DONE(ATTN)', async () => {
  const client = await loggedIn();
  client.send(packet(0x06, Status.eom, Buffer.alloc(0)));
  assert.equal(doneTokens((await client.next())!.payload), [{ token: 0xfd, status: 0x20, curCmd: 0, rowCount: 0 }]);
  client.close();
});

test('progress streams before the response ends; ATTENTION then ends that message with DONE and acks in a message of its own', async () => {
  const client = await loggedIn();
  const before = server.handler.aborted.length;
  client.send(packet(0x01, Status.eom, sqlBatchPayload('waitfor progress')));
  const first = await client.nextPacket();
  assert.is(first[1], 0, 'a packet without EOM: the response is still open');
  assert.is(first[8], 0xab, 'it carries the INFO token');
  assert.ok(first.includes(Buffer.from('10 percent processed.', 'utf16le')));
  client.send(packet(0x06, Status.eom, Buffer.alloc(0)));
  const rest = (await client.next())!;
  assert.equal(doneTokens(rest.payload.subarray(rest.payload.length - 13)), [{ token: 0xfd, status: 0, curCmd: 0, rowCount: 0 }]);
  assert.equal(doneTokens((await client.next())!.payload), [{ token: 0xfd, status: 0x20, curCmd: 0, rowCount: 0 }]);
  assert.is(server.handler.aborted.length, before + 1);
  client.close();
});

test('a client that disconnects mid-request aborts the running handler call, then handler.disconnect follows', async () => {
  const client = await loggedIn();
  const aborted = server.handler.aborted.length;
  const disconnected = server.handler.disconnected.length;
  client.send(packet(0x01, Status.eom, sqlBatchPayload('waitfor progress')));
  await client.nextPacket();
  const spid = server.handler.batches.at(-1)?.session.spid;
  client.close();
  await waitFor(() => server.handler.disconnected.length > disconnected, 'disconnect');
  assert.is(server.handler.aborted.length, aborted + 1, 'the AbortSignal fired');
  assert.is(server.handler.disconnected.at(-1)?.spid, spid);
});

test('a client that leaves while the "slow" fault holds its login is never logged in', async () => {
  const client = await RawClient.open(server.listener.port);
  const open = server.listener.connectionCount();
  const logins = server.handler.logins.length;
  client.send(packet(0x12, Status.eom, preloginPayload()));
  await client.next();
  server.delay.ms = 60_000;
  try {
    const reads = server.delay.reads;
    client.send(packet(0x10, Status.eom, login7Payload(LOGIN)));
    await waitFor(() => server.delay.reads > reads, 'the login to be delayed');
    client.close();
    await waitFor(() => server.listener.connectionCount() === open - 1, 'the connection to close');
  } finally {
    server.delay.ms = 0;
  }
  assert.is(server.handler.logins.length, logins);
});

test('a message with the IGNORE bit is not run and gets a lone DONE', async () => {
  const client = await loggedIn();
  const before = server.handler.batches.length;
  client.send(packet(0x01, 0, sqlBatchPayload('two')));
  client.send(packet(0x01, Status.eom | Status.ignore, sqlBatchPayload(' counts')));
  assert.equal(doneTokens((await client.next())!.payload), [{ token: 0xfd, status: 0, curCmd: 0, rowCount: 0 }]);
  assert.is(server.handler.batches.length, before);
  client.close();
});

test('RESETCONNECTION is acknowledged with ENVCHANGE 18 and puts the login database back', async () => {
  const client = await loggedIn();
  client.send(packet(0x01, Status.eom, sqlBatchPayload('use otherdb')));
  await client.next();
  client.send(packet(0x01, Status.eom | Status.resetConnection, sqlBatchPayload('select db_name()')));
  const reply = (await client.next())!.payload;
  assert.equal([...reply.subarray(0, 6)], [0xe3, 3, 0, 18, 0, 0], 'ENVCHANGE resetconnection ack first');
  assert.is(server.handler.batches.at(-1)?.session.database, 'master');
  assert.ok(reply.includes(Buffer.from('master', 'utf16le')));
  client.close();
});

test('responses are split at the negotiated packet size', async () => {
  const client = await loggedIn(512);
  client.send(packet(0x01, Status.eom, sqlBatchPayload('select types')));
  const reply = (await client.next())!;
  assert.ok(reply.packets.length > 80, `a ~70 KB response in 512-byte packets (${reply.packets.length})`);
  assert.ok(reply.packets.every((p) => p.length <= 512));
  assert.ok(
    reply.packets.slice(0, -1).every((p) => p[1] === 0),
    'only the last packet carries EOM',
  );
  client.close();
});

for (const [name, bytes] of [
  ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ['a packet shorter than its header', Buffer.from([0x12, 0x01, 0x00, 0x04, 0, 0, 0, 0])],
  ['a LOGIN7 shorter than its fixed part', packet(0x10, Status.eom, Buffer.alloc(50))],
  ['a truncated PRELOGIN option table', packet(0x12, Status.eom, Buffer.from([0x00, 0x00, 0x50, 0x00, 0x06]))],
] as const) {
  test(`${name} closes that connection only; the listener keeps serving`, async () => {
    const bad = await RawClient.open(server.listener.port);
    bad.send(bytes);
    assert.is(await bad.next(), undefined, 'the server closed the connection');
    const good = await loggedIn();
    good.send(packet(0x01, Status.eom, sqlBatchPayload('two counts')));
    assert.is(doneTokens((await good.next())!.payload).length, 2);
    good.close();
  });
}

test('a message larger than the pre-login limit closes the connection', async () => {
  const bad = await RawClient.open(server.listener.port);
  const chunk = packet(0x12, 0, Buffer.alloc(4000));
  for (let i = 0; i < 20 && !bad.closed; i++) bad.send(chunk);
  assert.is(await bad.next(), undefined);
});

test('a malformed LOGIN7 after a good PRELOGIN closes the connection', async () => {
  const again = await RawClient.open(server.listener.port);
  again.send(packet(0x12, Status.eom, Buffer.from([0xff])));
  assert.ok(await again.next(), 'PRELOGIN with no options is answered');
  const login = Buffer.alloc(94);
  login.writeUInt32LE(94, 0);
  login.writeUInt16LE(60000, 40);
  login.writeUInt16LE(10, 42);
  again.send(packet(0x10, Status.eom, login));
  assert.is(await again.next(), undefined, 'UserName points past the message');
});

test.run();
