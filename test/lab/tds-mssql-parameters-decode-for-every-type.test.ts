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

const guid = '6F9619FF-8B86-D011-B42D-00C04FC964FF';
const big = 'ü'.repeat(6000);

function lastParams(): Map<string, unknown> {
  const batch = server.handler.batches.at(-1);
  assert.ok(batch, 'the handler received the request');
  assert.is(batch.rpc, true);
  assert.is(batch.sql, 'select params', 'sp_executesql @statement is the SQL text');
  return batch.params;
}

for (const mode of MODES) {
  test(`${mode}: sp_executesql parameters of every type reach the handler decoded`, async () => {
    const pool = await server.connect(mode);
    const request = pool
      .request()
      .input('i', sql.Int, -123456)
      .input('si', sql.SmallInt, -300)
      .input('ti', sql.TinyInt, 200)
      .input('bi', sql.BigInt, '9007199254740993')
      .input('b', sql.Bit, true)
      .input('f', sql.Float, -2.5e-300)
      .input('r', sql.Real, 0.25)
      .input('d', sql.Decimal(10, 2), 1234.56)
      .input('n', sql.Numeric(18, 4), -42.125)
      .input('nv', sql.NVarChar(20), 'héllo ✓')
      .input('v', sql.VarChar(20), 'café €')
      .input('nc', sql.NChar(3), 'abc')
      .input('c', sql.Char(2), 'xy')
      .input('vb', sql.VarBinary(8), Buffer.from([1, 2, 3]))
      .input('bn', sql.Binary, Buffer.from([0xfe, 0xff]))
      .input('nvmax', sql.NVarChar(sql.MAX), big)
      .input('vbmax', sql.VarBinary(sql.MAX), Buffer.alloc(9000, 3))
      .input('dt', sql.DateTime, new Date('2024-02-29T23:59:59.997Z'))
      .input('dt2', sql.DateTime2(7), new Date('2001-02-03T04:05:06.789Z'))
      .input('dto', sql.DateTimeOffset(3), new Date('2030-06-15T12:00:00.123Z'))
      .input('day', sql.Date, new Date('1999-12-31T00:00:00Z'))
      .input('tm', sql.Time(3), new Date('1970-01-01T13:14:15.123Z'))
      .input('g', sql.UniqueIdentifier, guid)
      .input('nul', sql.Int, null)
      .input('nulstr', sql.NVarChar(10), null);
    const result = await request.query('select params');
    const p = lastParams();
    assert.is(p.get('@i'), -123456);
    assert.is(p.get('@si'), -300);
    assert.is(p.get('@ti'), 200);
    assert.is(p.get('@bi'), 9007199254740993n, 'bigint arrives exact');
    assert.is(p.get('@b'), true);
    assert.is(p.get('@f'), -2.5e-300);
    assert.is(p.get('@r'), 0.25);
    assert.is(p.get('@d'), 1234.56);
    assert.is(p.get('@n'), -42.125);
    assert.is(p.get('@nv'), 'héllo ✓');
    assert.is(p.get('@v'), 'café €');
    assert.is(p.get('@nc'), 'abc');
    assert.is(p.get('@c'), 'xy');
    assert.equal(p.get('@vb'), Buffer.from([1, 2, 3]));
    assert.equal(p.get('@bn'), Buffer.from([0xfe, 0xff]));
    assert.is(p.get('@nvmax'), big, 'nvarchar(max) parameter as PLP');
    assert.equal(p.get('@vbmax'), Buffer.alloc(9000, 3));
    assert.equal(p.get('@dt'), new Date('2024-02-29T23:59:59.997Z'));
    assert.equal(p.get('@dt2'), new Date('2001-02-03T04:05:06.789Z'));
    assert.equal(p.get('@dto'), new Date('2030-06-15T12:00:00.123Z'));
    assert.equal(p.get('@day'), new Date('1999-12-31T00:00:00Z'));
    assert.equal(p.get('@tm'), new Date('1970-01-01T13:14:15.123Z'));
    assert.is(p.get('@g'), guid);
    assert.is(p.get('@nul'), null);
    assert.is(p.get('@nulstr'), null);
    // And back out through the fake handler's echo.
    const row = result.recordset[0] as Record<string, unknown>;
    assert.is(row.nv, 'héllo ✓');
    assert.is(row.bi, '9007199254740993');
    assert.equal(row.dto, new Date('2030-06-15T12:00:00.123Z'));
  });
}

test('a stored procedure RPC by name reaches the handler as EXEC text with its parameters', async () => {
  const pool = await server.connect('plain');
  const error = await pool
    .request()
    .input('database_name', sql.NVarChar(128), 'Patriot')
    .execute('msdb.dbo.sp_dbmmonitorresults')
    .catch((e: unknown) => e);
  const batch = server.handler.batches.at(-1);
  assert.is(batch?.sql, 'EXEC msdb.dbo.sp_dbmmonitorresults @database_name = @database_name');
  assert.is(batch?.params.get('@database_name'), 'Patriot');
  assert.is((error as { number?: number }).number, 102, 'the fake handler answers unknown text with 102');
});

test.run();
