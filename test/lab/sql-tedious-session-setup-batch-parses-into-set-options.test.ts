import { test } from 'uvu';
import * as assert from 'uvu/assert';
import tedious from 'tedious';
import { parseBatch } from '../../lab/sql/parse.js';

test('the batch tedious sends after login (from the installed tedious) is all SET options', () => {
  const connection = new tedious.Connection({
    server: '127.0.0.1',
    authentication: { type: 'default', options: { userName: 'u', password: 'p' } },
    options: { trustServerCertificate: true },
  }) as unknown as { getInitialSql(): string };
  const sql = connection.getInitialSql();
  const statements = parseBatch(sql);
  assert.is(statements.length, sql.trim().split('\n').length);
  assert.ok(statements.every((s) => s.kind === 'setOption'));
  const byOption = new Map(statements.map((s) => (s.kind === 'setOption' ? [s.options.join(), s.value] : ['', ''])));
  assert.is(byOption.get('TEXTSIZE'), '2147483647');
  assert.is(byOption.get('TRANSACTION ISOLATION LEVEL'), 'READ COMMITTED');
  assert.is(byOption.get('LANGUAGE'), 'US_ENGLISH');
  assert.is(byOption.get('DATEFORMAT'), 'MDY');
  assert.is(byOption.get('ANSI_NULLS'), 'ON');
  assert.is(byOption.get('XACT_ABORT'), 'OFF');
});

test.run();
