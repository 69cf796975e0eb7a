import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteReader } from '../../lab/tds/byte-reader.js';
import { ByteWriter } from '../../lab/tds/byte-writer.js';
import { decodeCp1252, encodeCp1252 } from '../../lab/tds/cp1252.js';
import type { SqlType, SqlValue } from '../../lab/tds/handler.js';
import { parseLogin7 } from '../../lab/tds/login7.js';
import { MessageAssembler } from '../../lab/tds/message-assembler.js';
import { TdsProtocolError } from '../../lab/tds/protocol-error.js';
import { readTypeInfo } from '../../lab/tds/type-decoders.js';
import { guidToBytes, writeTypeInfo, writeValue } from '../../lab/tds/type-encoders.js';
import { login7Payload, packet } from '../fixtures/tds/raw-client.js';

function roundTrip(sqlType: SqlType, value: SqlValue): SqlValue {
  const w = new ByteWriter(8);
  writeTypeInfo(w, sqlType);
  writeValue(w, sqlType, value);
  const r = new ByteReader(w.toBuffer());
  const decoded = readTypeInfo(r)(r);
  assert.is(r.remaining, 0, `${sqlType.type}: every byte consumed`);
  return decoded;
}

test('decimal values round half away from zero at the declared scale, signs and 38 digits included', () => {
  const d = (precision: number, scale: number) => ({ type: 'decimal', precision, scale }) as const;
  assert.is(roundTrip(d(10, 2), 1.005), 1.01);
  assert.is(roundTrip(d(10, 2), -1.005), -1.01);
  assert.is(roundTrip(d(10, 0), '-42'), -42);
  assert.is(roundTrip(d(5, 4), 0.00005), 0.0001);
  assert.is(roundTrip({ type: 'numeric', precision: 38, scale: 0 }, '99999999999999999999999999999999999999'), 1e38);
  assert.is(roundTrip(d(10, 2), null), null);
  assert.throws(() => roundTrip(d(10, 2), 'abc'), /cannot send abc as a decimal/);
});

test('dates: datetime rounds to 1/300 s, datetime2 keeps its scale, time and date decode', () => {
  assert.equal(roundTrip({ type: 'datetime' }, new Date('1900-01-01T00:00:00.002Z')), new Date('1900-01-01T00:00:00.003Z'));
  assert.equal(roundTrip({ type: 'datetime' }, new Date('1899-12-31T12:00:00.000Z')), new Date('1899-12-31T12:00:00.000Z'), 'before 1900: negative days');
  assert.equal(roundTrip({ type: 'datetime2', scale: 1 }, new Date('0001-01-01T00:00:00.049Z')), new Date('0001-01-01T00:00:00.000Z'));
  assert.equal(roundTrip({ type: 'datetime2', scale: 7 }, new Date('9999-12-31T23:59:59.999Z')), new Date('9999-12-31T23:59:59.999Z'));
  assert.equal(roundTrip({ type: 'datetimeoffset', scale: 0 }, '2020-05-05T10:00:00+02:00'), new Date('2020-05-05T08:00:00Z'));
});

test('uniqueidentifier stores its first three groups little-endian', () => {
  assert.equal(
    [...guidToBytes('00112233-4455-6677-8899-AABBCCDDEEFF')],
    [0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff],
  );
  assert.is(roundTrip({ type: 'uniqueidentifier' }, '{00112233-4455-6677-8899-aabbccddeeff}'), '00112233-4455-6677-8899-AABBCCDDEEFF');
});

test('strings: varchar in cp1252 with ? for the unrepresentable, nvarchar(max) as PLP, char padded', () => {
  assert.equal([...encodeCp1252('€‚ƒ„…†‡ˆ‰Š‹ŒŽ')], [0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8e]);
  assert.is(decodeCp1252(encodeCp1252('ÿ€ü✓')), 'ÿ€ü?');
  assert.is(roundTrip({ type: 'varchar', length: 10 }, 'naïve €'), 'naïve €');
  assert.is(roundTrip({ type: 'nvarchar', length: -1 }, 'x'.repeat(70000)), 'x'.repeat(70000));
  assert.is(roundTrip({ type: 'nvarchar', length: -1 }, null), null);
  assert.is(roundTrip({ type: 'char', length: 4 }, 'a'), 'a   ');
  assert.is(roundTrip({ type: 'nchar', length: 3 }, 'é'), 'é  ');
  assert.equal(roundTrip({ type: 'varbinary', length: -1 }, Buffer.alloc(0)), Buffer.alloc(0));
});

test('integers keep their widths; bigint accepts number, string and bigint', () => {
  assert.is(roundTrip({ type: 'tinyint' }, 255), 255);
  assert.is(roundTrip({ type: 'smallint' }, -32768), -32768);
  assert.is(roundTrip({ type: 'bigint' }, '9223372036854775807'), 9223372036854775807n);
  assert.is(roundTrip({ type: 'bigint' }, 12), 12n);
  assert.is(roundTrip({ type: 'bit' }, false), false);
  assert.is(roundTrip({ type: 'real' }, 1.5), 1.5);
});

test('LOGIN7 fields and the obfuscated password are read back', () => {
  const login = parseLogin7(login7Payload({ user: 'mirrorbook', password: 'Pa$$w0rd-é', packetSize: 8192, database: 'Patriot' }));
  assert.is(login.userName, 'mirrorbook');
  assert.is(login.password, 'Pa$$w0rd-é');
  assert.is(login.packetSize, 8192);
  assert.is(login.database, 'Patriot');
  assert.is(login.appName, 'raw-client');
  assert.is(login.clientLibrary, 'raw-lib');
  assert.is(login.tdsVersion, 0x74000004);
});

test('the assembler joins packets split anywhere, lets ATTENTION through between them, and enforces its limit', () => {
  const assembler = new MessageAssembler(() => 10_000);
  const wire = Buffer.concat([packet(0x01, 0x00, Buffer.from('abc')), packet(0x06, 0x01, Buffer.alloc(0)), packet(0x01, 0x01, Buffer.from('def'))]);
  const messages = [...wire].flatMap((byte) => assembler.push(Buffer.from([byte])));
  assert.equal(
    messages.map((m) => [m.type, m.payload.toString()]),
    [
      [0x06, ''],
      [0x01, 'abcdef'],
    ],
  );
  const small = new MessageAssembler(() => 5);
  assert.throws(
    () => small.push(packet(0x01, 0x00, Buffer.alloc(6))),
    (e: unknown) => e instanceof TdsProtocolError,
  );
  assert.throws(
    () => new MessageAssembler(() => 100).push(Buffer.concat([packet(0x01, 0, Buffer.from('a')), packet(0x03, 1, Buffer.from('b'))])),
    /inside a 0x1 message/,
  );
});

test.run();
