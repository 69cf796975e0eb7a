import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqlError } from '../../lab/errors.js';
import type { SelectStatement } from '../../lab/sql/ast.js';
import type { Typed } from '../../lab/sql/catalog.js';
import { parseBatch } from '../../lab/sql/parse.js';
import { evaluateSelect, type SelectResult } from '../../lab/sql/select.js';
import { fakeCatalog } from '../fixtures/sql/fake-catalog.js';

function select(sql: string, variables: Record<string, Typed> = {}): SelectResult {
  const [statement] = parseBatch(sql);
  assert.is(statement?.kind, 'select');
  return evaluateSelect(statement as SelectStatement, fakeCatalog(variables));
}

const rows = (sql: string) => select(sql).rows;

function error(sql: string): [number, string] {
  try {
    select(sql);
  } catch (e) {
    assert.ok(e instanceof SqlError, `SqlError from: ${sql}`);
    return [e.number, e.message];
  }
  throw new assert.Assertion({ message: `no error from: ${sql}`, generated: true, operator: 'throws', expects: 'SqlError', actual: 'rows' });
}

test('WHERE with =, IN, LIKE, AND/OR and parentheses; comparisons ignore case', () => {
  assert.equal(rows("SELECT name FROM sys.databases WHERE name = 'PATRIOT'"), [['Patriot']]);
  assert.equal(rows("SELECT name FROM sys.databases WHERE name IN ('master', 'MSDB') ORDER BY name"), [['master'], ['msdb']]);
  assert.equal(rows("SELECT name FROM sys.databases WHERE name LIKE 'pat%' AND NOT name LIKE '%archive' "), [['Patriot']]);
  assert.equal(
    rows(`SELECT database_id FROM sys.databases
    WHERE (recovery_model_desc = 'FULL' OR database_id = 1) AND state_desc <> 'RESTORING' ORDER BY database_id`),
    [[1], [3], [5]],
  );
  assert.equal(rows('SELECT database_id FROM sys.databases WHERE database_id BETWEEN 2 AND 3 OR database_id >= 6'), [[2], [3], [6]]);
});

test('a join of two views, inner and left, with IS [NOT] NULL', () => {
  assert.equal(
    rows(`SELECT d.name, m.mirroring_role_desc, m.mirroring_partner_name
    FROM sys.databases AS d INNER JOIN sys.database_mirroring AS m ON m.database_id = d.database_id
    WHERE m.mirroring_guid IS NOT NULL ORDER BY d.name`),
    [
      ['Patriot', 'PRINCIPAL', 'TCP://sqlmir01:1430'],
      ['PatriotArchive', 'MIRROR', 'TCP://sqlpri01:1430'],
    ],
  );
  assert.equal(
    rows(`SELECT d.name FROM sys.databases d LEFT JOIN sys.database_mirroring m
    ON m.database_id = d.database_id AND m.mirroring_role_desc = 'PRINCIPAL' WHERE m.database_id IS NULL ORDER BY d.database_id DESC`),
    [['PatriotArchive'], ['msdb'], ['model'], ['tempdb'], ['master']],
  );
});

test('NULL: unknown is not true, NOT IN with a NULL matches nothing, COUNT(col) skips NULLs', () => {
  assert.equal(rows("SELECT database_id FROM sys.database_mirroring WHERE mirroring_witness_name <> 'x'"), [[6]]);
  assert.equal(rows("SELECT database_id FROM sys.database_mirroring WHERE NOT (mirroring_witness_name = 'x')"), [[6]]);
  assert.equal(rows('SELECT database_id FROM sys.databases WHERE database_id NOT IN (1, 2, NULL)'), []);
  assert.equal(rows('SELECT database_id FROM sys.databases WHERE database_id IN (1, NULL)'), [[1]]);
  assert.equal(rows('SELECT 1 WHERE NULL = NULL'), []);
  assert.equal(rows('SELECT COUNT(*), COUNT(mirroring_guid), COUNT(DISTINCT mirroring_role_desc) FROM sys.database_mirroring'), [[6, 2, 2]]);
  assert.equal(
    rows(
      "SELECT ISNULL(mirroring_role_desc, N'-'), COALESCE(NULL, mirroring_partner_name, 'none') FROM sys.database_mirroring WHERE database_id IN (1, 5) ORDER BY database_id",
    ),
    [
      ['-', 'none'],
      ['PRINCIPAL', 'TCP://sqlmir01:1430'],
    ],
  );
  assert.equal(rows("SELECT NULL + 1, 'a' + NULL, CASE WHEN NULL = NULL THEN 'yes' ELSE 'no' END"), [[null, null, 'no']]);
});

test('host functions and variables, generic functions, CASE, CAST/CONVERT', () => {
  assert.equal(rows("SELECT @@SERVERNAME, SERVERPROPERTY('ServerName'), DB_ID('Patriot'), CERT_ID('PRINCIPAL_cert'), @@SPID"), [
    ['SQLPRI01', 'SQLPRI01', 5, 256, 53],
  ]);
  assert.equal(
    rows(
      "SELECT UPPER(name), LOWER('AbC'), LEN('ab  '), LEFT(name, 3), SUBSTRING(name, 2, 3), REPLACE(name, 'PAT', 'x') FROM sys.databases WHERE database_id = 5",
    ),
    [['PATRIOT', 'abc', 2, 'Pat', 'atr', 'xriot']],
  );
  assert.equal(rows("SELECT CONVERT(varchar(19), GETUTCDATE(), 120), DATEADD(year, 20, '20261125'), DATEDIFF(day, '2026-11-01', GETDATE())"), [
    ['2026-11-25 19:30:00', new Date(Date.UTC(2046, 10, 25)), 24],
  ]);
  assert.equal(
    rows(
      "SELECT CAST('11/25/2026' AS datetime), CAST('42' AS int) + 1, CAST(1 AS bit), CAST(database_id AS nvarchar(10)) + N'!' FROM sys.databases WHERE name = 'model'",
    ),
    [[new Date(Date.UTC(2026, 10, 25)), 43, true, '3!']],
  );
  assert.equal(
    rows(`SELECT name, CASE WHEN database_id <= 4 THEN 'system' ELSE 'user' END AS kind,
    CASE state_desc WHEN 'ONLINE' THEN 1 ELSE 0 END FROM sys.databases WHERE database_id IN (4, 6) ORDER BY name`),
    [
      ['msdb', 'system', 1],
      ['PatriotArchive', 'user', 0],
    ],
  );
  assert.equal(rows('SELECT 7 / 2, 7 % 2, -3 * 2, 1.5 + 1'), [[3, 1, -6, 2.5]]);
  assert.equal(select('SELECT @db AS db', { '@db': { value: 'Patriot', type: { type: 'nvarchar', length: 128 } } }).rows, [['Patriot']]);
});

test('result column names and types: from the source, the alias, or the expression', () => {
  const r = select("SELECT d.name, 'abc' AS lit, n = N'xy', 42, 4.25, CAST(NULL AS varbinary(20)) bin, DB_ID('x') FROM sys.databases d WHERE 1 = 0");
  assert.equal(
    r.columns.map((c) => [c.name, c.sqlType, c.nullable]),
    [
      ['name', { type: 'nvarchar', length: 128 }, false],
      ['lit', { type: 'varchar', length: 3 }, true],
      ['n', { type: 'nvarchar', length: 2 }, true],
      ['', { type: 'int' }, true],
      ['', { type: 'numeric', precision: 3, scale: 2 }, true],
      ['bin', { type: 'varbinary', length: 20 }, true],
      ['', { type: 'int' }, true],
    ].map(([n, t, nullable]) => [n, t, nullable]),
  );
  assert.equal(
    select('SELECT * FROM sys.databases WHERE 1 = 0').columns.map((c) => c.name),
    ['name', 'database_id', 'state_desc', 'recovery_model_desc', 'create_date'],
  );
  assert.equal(select('SELECT m.* FROM sys.databases d JOIN sys.database_mirroring m ON m.database_id = d.database_id WHERE d.database_id = 5').rows, [
    [5, '6F9619FF-8B86-D011-B42D-00C04FC964FF', 'SYNCHRONIZED', 'PRINCIPAL', 'TCP://sqlmir01:1430', null],
  ]);
});

test('ORDER BY a column, an alias, an ordinal, DESC, NULLs first; TOP; DISTINCT; GROUP BY', () => {
  assert.equal(rows('SELECT TOP 3 name AS n FROM sys.databases ORDER BY n DESC'), [['tempdb'], ['PatriotArchive'], ['Patriot']]);
  assert.equal(rows('SELECT name, database_id FROM sys.databases ORDER BY 2 DESC, 1').slice(0, 2), [
    ['PatriotArchive', 6],
    ['Patriot', 5],
  ]);
  assert.equal(rows('SELECT database_id FROM sys.database_mirroring ORDER BY mirroring_role_desc, database_id DESC'), [[4], [3], [2], [1], [6], [5]]);
  assert.equal(rows('SELECT DISTINCT recovery_model_desc FROM sys.databases ORDER BY recovery_model_desc'), [['FULL'], ['SIMPLE']]);
  assert.equal(
    rows('SELECT recovery_model_desc, COUNT(*) AS n, MAX(database_id) FROM sys.databases GROUP BY recovery_model_desc ORDER BY n DESC, recovery_model_desc'),
    [
      ['FULL', 3, 6],
      ['SIMPLE', 3, 4],
    ],
  );
  assert.equal(rows('SELECT COUNT(*), MIN(name), SUM(database_id), AVG(database_id) FROM sys.databases WHERE 1 = 0'), [[0, null, null, null]]);
});

test('EXISTS and IN with subqueries, correlated to the outer row', () => {
  assert.equal(
    rows(`SELECT name FROM sys.databases d WHERE EXISTS (SELECT 1 FROM sys.database_mirroring m
    WHERE m.database_id = d.database_id AND m.mirroring_role_desc = 'MIRROR')`),
    [['PatriotArchive']],
  );
  assert.equal(
    rows('SELECT name FROM sys.databases WHERE database_id IN (SELECT database_id FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL) ORDER BY 1'),
    [['Patriot'], ['PatriotArchive']],
  );
  assert.equal(rows('SELECT (SELECT COUNT(*) FROM sys.databases)'), [[6]]);
});

test('UNION ALL keeps duplicates, UNION removes them, ORDER BY applies to the whole; types widen', () => {
  const r = select(`SELECT name, 1 AS k FROM sys.databases WHERE database_id < 3
    UNION ALL SELECT N'zzz', 2 UNION ALL SELECT 'master', 1 ORDER BY k DESC, name`);
  assert.equal(r.rows, [
    ['zzz', 2],
    ['master', 1],
    ['master', 1],
    ['tempdb', 1],
  ]);
  assert.equal(
    r.columns.map((c) => [c.name, c.sqlType]),
    [
      ['name', { type: 'nvarchar', length: 128 }],
      ['k', { type: 'int' }],
    ],
  );
  assert.equal(rows("SELECT name FROM sys.databases WHERE database_id = 1 UNION SELECT 'MASTER' UNION SELECT 'x'"), [['master'], ['x']]);
  assert.equal(error('SELECT 1 UNION SELECT 1, 2')[0], 205);
  assert.equal(error('SELECT 1 AS a UNION SELECT 2 ORDER BY b')[0], 104);
});

test("SELECT @v = … yields the last row's values instead of rows", () => {
  const r = select('SELECT @id = database_id, @name = name FROM sys.databases ORDER BY database_id');
  assert.equal(
    r.assignments?.map((a) => [a.variable, a.value.value]),
    [
      ['@id', 6],
      ['@name', 'PatriotArchive'],
    ],
  );
  assert.equal(select("SELECT @id = database_id FROM sys.databases WHERE name = 'none'").assignments, []);
});

test('error numbers as SQL Server gives them', () => {
  assert.equal(error('SELECT nope FROM sys.databases'), [207, "Invalid column name 'nope'."]);
  assert.equal(error('SELECT nope FROM sys.databases WHERE 1 = 0'), [207, "Invalid column name 'nope'."]);
  assert.equal(error('SELECT database_id FROM sys.databases d JOIN sys.database_mirroring m ON m.database_id = d.database_id'), [
    209,
    "Ambiguous column name 'database_id'.",
  ]);
  assert.equal(error('SELECT x.name FROM sys.databases d'), [4104, 'The multi-part identifier "x.name" could not be bound.']);
  assert.equal(error('SELECT * FROM sys.availability_groups'), [208, "Invalid object name 'sys.availability_groups'."]);
  assert.equal(error('SELECT NO_SUCH_FN(1)'), [195, "'NO_SUCH_FN' is not a recognized built-in function name."]);
  assert.equal(error("SELECT 1 + 'a'"), [245, "Conversion failed when converting the varchar value 'a' to data type int."]);
  assert.equal(error("SELECT name FROM sys.databases WHERE database_id = 'x'"), [
    245,
    "Conversion failed when converting the varchar value 'x' to data type int.",
  ]);
  assert.equal(error("SELECT CAST('MM/DD/YYYY' AS datetime)"), [241, 'Conversion failed when converting date and/or time from character string.']);
  assert.equal(error('SELECT 1 / 0'), [8134, 'Divide by zero error encountered.']);
  assert.equal(error('SELECT @undeclared'), [137, 'Must declare the scalar variable "@undeclared".']);
  assert.equal(error('SELECT name, COUNT(*) FROM sys.databases')[0], 8120);
  assert.equal(error('SELECT (SELECT name FROM sys.databases)')[0], 512);
  assert.equal(error('SELECT name FROM sys.databases WHERE COUNT(*) > 1')[0], 147);
  assert.equal(error('SELECT @a = 1, name FROM sys.databases')[0], 141);
  assert.equal(error('SELECT name FROM sys.databases ORDER BY 3')[0], 108);
});

test.run();
