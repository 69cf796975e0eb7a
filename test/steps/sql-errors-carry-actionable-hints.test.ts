import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hintFor } from '../../steps/hints.js';
import { SqlStatementError, toSqlError } from '../../steps/connection.js';

test('the errors the procedures meet have hints an operator can act on', () => {
  assert.match(hintFor(1418)!, /STARTED/);
  assert.match(hintFor(1418)!, /CONNECT/);
  assert.match(hintFor(1418)!, /port/);
  assert.match(hintFor(1418)!, /firewall/);
  assert.match(hintFor(1418)!, /certificate/);
  assert.match(hintFor(1478)!, /log backup/);
  assert.match(hintFor(1412)!, /log backup/);
  for (const n of [15025, 15023, 15232, 7862]) assert.match(hintFor(n)!, /probe should have found/);
  assert.match(hintFor(3201)!, /service account/);
  assert.match(hintFor(4305)!, /order/);
  assert.match(hintFor(4326)!, /already/);
  assert.match(hintFor(28034)!, /CONNECT/);
  assert.is(hintFor(999999), undefined);
});

test('a batch failing with 4305 then 3013 reports 4305 and its hint', () => {
  const error = Object.assign(new Error('RESTORE LOG is terminating abnormally.'), {
    number: 3013,
    class: 16,
    state: 1,
    precedingErrors: [Object.assign(new Error('The log in this backup set begins at LSN 42, which is too recent'), { number: 4305, class: 16, state: 1 })],
  });
  const mapped = toSqlError(error, 'SQLMIR01');
  assert.instance(mapped, SqlStatementError);
  const e = mapped as SqlStatementError;
  assert.is(e.number, 4305);
  assert.is(e.server, 'SQLMIR01');
  assert.match(e.hint!, /order/);
  assert.equal(
    e.all.map((x) => x.number),
    [4305, 3013],
  );
});

test('a non-SQL error passes through unchanged', () => {
  const error = new Error('socket hang up');
  assert.is(toSqlError(error), error);
});

test.run();
