import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqlError } from '../../lab/errors.js';
import type { DeclareStatement, SelectStatement, SetVariableStatement } from '../../lab/sql/ast.js';
import { evaluateExpression } from '../../lab/sql/evaluate.js';
import { parseBatch } from '../../lab/sql/parse.js';
import { evaluateSelect } from '../../lab/sql/select.js';
import { BatchVariables } from '../../lab/sql/variables.js';
import { fakeCatalog } from '../fixtures/sql/fake-catalog.js';

/** Runs the variable statements of a batch the way lab/server does, against the fake catalog. */
function run(sql: string, params = new Map()): BatchVariables {
  const variables = new BatchVariables(params);
  const catalog = { ...fakeCatalog(), variable: (name: string) => fakeCatalog().variable(name) ?? variables.get(name) };
  for (const statement of parseBatch(sql)) {
    if (statement.kind === 'declare') variables.declare(statement as DeclareStatement, catalog);
    else if (statement.kind === 'setVariable') {
      const s = statement as SetVariableStatement;
      variables.assign(s.name, evaluateExpression(s.value, catalog));
    } else if (statement.kind === 'select') {
      for (const a of evaluateSelect(statement as SelectStatement, catalog).assignments ?? []) variables.assign(a.variable, a.value);
    }
  }
  return variables;
}

function errorNumber(sql: string): number {
  try {
    run(sql);
  } catch (e) {
    assert.ok(e instanceof SqlError);
    return e.number;
  }
  return 0;
}

test('DECLARE with initial values, SET and SELECT assignment; names are case-insensitive', () => {
  const v = run(`DECLARE @db sysname = N'Patriot', @id int, @Count int = 0
SET @ID = DB_ID(@db)
SELECT @count = COUNT(*) FROM sys.databases WHERE recovery_model_desc = 'FULL'`);
  assert.equal(v.get('@DB'), { value: 'Patriot', type: { type: 'nvarchar', length: 128 } });
  assert.equal(v.get('@id'), { value: 5, type: { type: 'int' } });
  assert.equal(v.get('@count')?.value, 3);
});

test('values take the declared type: truncation, conversion, NULL until assigned', () => {
  const v = run("DECLARE @s varchar(3) = 'abcdef', @n int = '42', @d datetime = '20261125', @b bit = 'true', @c nvarchar SET @c = 'xyz'");
  assert.is(v.get('@s')?.value, 'abc');
  assert.is(v.get('@n')?.value, 42);
  assert.equal(v.get('@d')?.value, new Date(Date.UTC(2026, 10, 25)));
  assert.is(v.get('@b')?.value, true);
  assert.is(v.get('@c')?.value, 'x', 'nvarchar without a length is nvarchar(1) in DECLARE');
  assert.is(run('DECLARE @x int').get('@x')?.value, null);
});

test('sp_executesql parameters are variables typed by their value', () => {
  const v = new BatchVariables(
    new Map<string, string | number | null>([
      ['@name', 'Patriot'],
      ['@n', 7],
      ['@none', null],
    ]),
  );
  assert.equal(v.get('@NAME'), { value: 'Patriot', type: { type: 'nvarchar', length: 7 } });
  assert.equal(v.get('@n'), { value: 7, type: { type: 'int' } });
  assert.is(v.get('@none')?.value, null);
});

test('errors: 134 declared twice, 137 not declared, 245 bad conversion, 243 unknown type', () => {
  assert.is(errorNumber('DECLARE @a int DECLARE @A int'), 134);
  assert.is(errorNumber('SET @nope = 1'), 137);
  assert.is(errorNumber('DECLARE @a int SELECT @a = @b'), 137);
  assert.is(errorNumber("DECLARE @a int = 'x'"), 245);
  assert.is(errorNumber('DECLARE @a notatype'), 243);
});

test.run();
