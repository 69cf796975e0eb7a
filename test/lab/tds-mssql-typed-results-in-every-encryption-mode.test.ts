import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIG_TEXT } from '../fixtures/tds/fake-handler.js';
import { MODES, startFakeServer, type FakeServer } from '../fixtures/tds/fake-server.js';

let server: FakeServer;
test.before(async () => {
  server = await startFakeServer();
});
test.after(async () => {
  await server.close();
});

function checkTypes(row: Record<string, unknown>, mode: string): void {
  const at = (k: string) => row[k];
  assert.is(at('i'), -2147483648, mode);
  assert.is(at('si'), -32768);
  assert.is(at('ti'), 255);
  assert.is(at('bi'), '-9223372036854775808');
  assert.is(at('b'), true);
  assert.is(at('f'), 1.5e300);
  assert.is(at('r'), 0.5);
  assert.is(at('d'), 12345678.9);
  assert.is(at('n'), 123456789012345678901234.5678);
  assert.is(at('nv'), 'héllo ✓');
  assert.is(at('v'), 'café €', 'varchar travels in cp1252 (€ is 0x80)');
  assert.is(at('nc'), 'ab   ', 'nchar(5) is space padded');
  assert.is(at('c'), 'xy   ');
  assert.equal(at('vb'), Buffer.from([0, 1, 2, 0xff]));
  assert.equal(at('bn'), Buffer.from([9, 0, 0, 0]), 'binary(4) is zero padded');
  assert.is(at('nvmax'), BIG_TEXT, 'nvarchar(max) as PLP spanning packets');
  assert.is(at('vmax'), 'Œuvre ' + 'z'.repeat(9000));
  assert.equal(at('vbmax'), Buffer.alloc(10000, 7));
  assert.equal(at('dt'), new Date('2024-02-29T23:59:59.997Z'));
  assert.equal(at('dt2'), new Date('2001-02-03T04:05:06.789Z'));
  assert.equal(at('dt2s0'), new Date('2000-01-01T00:00:00.000Z'), 'datetime2(0) rounds .6 s up across midnight');
  assert.equal(at('dto'), new Date('2030-06-15T12:00:00.123Z'));
  assert.is(at('g'), '6F9619FF-8B86-D011-B42D-00C04FC964FF');
}

for (const mode of MODES) {
  test(`${mode}: query() (RPC sp_executesql) returns every SqlType and an all-NULL row`, async () => {
    const pool = await server.connect(mode);
    const result = await pool.request().query('select types');
    assert.is(result.recordset.length, 2);
    checkTypes(result.recordset[0] as Record<string, unknown>, mode);
    assert.ok(
      Object.values(result.recordset[1] as object).every((v) => v === null),
      'second row is all NULL',
    );
    const columns = result.recordset.columns;
    assert.is(columns.nv?.length, 100, 'nvarchar(50) declares 100 bytes, as SQL Server does');
    assert.is(columns.d?.precision, 10);
    assert.is(columns.d?.scale, 2);
    assert.equal(result.rowsAffected, [2]);
  });

  test(`${mode}: batch() (SQL_BATCH) returns several result sets and counts`, async () => {
    const pool = await server.connect(mode);
    const result = await pool.request().batch('select multi');
    assert.equal(result.recordsets.length, 2);
    assert.equal((result.recordsets as unknown as unknown[][])[0], [{ a: 1 }]);
    assert.equal((result.recordsets as unknown as unknown[][])[1], [{ b: 'x' }, { b: 'y' }]);
    assert.equal(result.rowsAffected, [1, 2, 3]);
    const types = await pool.request().batch('select types');
    checkTypes(types.recordset[0] as Record<string, unknown>, mode);
    const lastSql = server.handler.batches.at(-1);
    assert.is(lastSql?.rpc, false);
    assert.is(lastSql?.session.encryption, mode === 'plain' ? 'off' : mode === 'strict' ? 'strict' : 'tls');
  });
}

test('USE changes the session database (ENVCHANGE 1) for later requests on that connection', async () => {
  const pool = await server.connect('plain', { pool: { min: 0, max: 1 } });
  await pool.request().batch('use otherdb');
  const result = await pool.request().batch('select db_name()');
  assert.is(result.recordset[0].db, 'otherdb');
});

test.run();
