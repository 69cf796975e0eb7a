// Fuzz-ish: random token soup, truncated real statements and random characters either parse or
// fail with a SqlError (a bug would surface as TypeError, RangeError, a stack overflow …).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqlError } from '../../lab/errors.js';
import { parseBatch } from '../../lab/sql/parse.js';
import { evaluateSelect } from '../../lab/sql/select.js';
import { fakeCatalog } from '../fixtures/sql/fake-catalog.js';
import { randomSelect } from '../fixtures/sql/random-select.js';
import { PRINCIPAL_ENDPOINT, PRINCIPAL_USER } from '../fixtures/sql/seed-guide.js';

/** Small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCABULARY = [
  'SELECT',
  'FROM',
  'WHERE',
  'UNION',
  'ALL',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'LIKE',
  'BETWEEN',
  'EXISTS',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'CONVERT',
  'AS',
  'ORDER',
  'BY',
  'GROUP',
  'HAVING',
  'TOP',
  'DISTINCT',
  'JOIN',
  'LEFT',
  'INNER',
  'ON',
  'CREATE',
  'ALTER',
  'DROP',
  'DATABASE',
  'ENDPOINT',
  'CERTIFICATE',
  'LOGIN',
  'USER',
  'MASTER',
  'KEY',
  'BACKUP',
  'RESTORE',
  'LOG',
  'TO',
  'DISK',
  'WITH',
  'SET',
  'PARTNER',
  'WITNESS',
  'SAFETY',
  'FULL',
  'OFF',
  'GRANT',
  'CONNECT',
  'ENDPOINT::e',
  'EXEC',
  'DECLARE',
  'IF',
  'BEGIN',
  'PRINT',
  'WAITFOR',
  'DELAY',
  'USE',
  'GO',
  'COUNT(*)',
  'sys.databases',
  'sys.database_mirroring',
  'd',
  'm',
  'name',
  'database_id',
  'mirroring_guid',
  'x',
  '[br]]x]',
  '"q"',
  "'s'",
  "N'u'",
  "''",
  '0x3082',
  '0',
  '1',
  '42',
  '2147483648',
  '1.5',
  '1e3',
  '@v',
  '@@SERVERNAME',
  '(',
  ')',
  ',',
  ';',
  '.',
  '=',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '~',
  '::',
  '--c\n',
  '/* c */',
  '\n',
  'DB_ID(',
  'UPPER(',
  'ISNULL(',
  "'20261125'",
];

function expectSqlErrorOrSuccess(sql: string, label: string): void {
  try {
    for (const statement of parseBatch(sql)) {
      if (statement.kind === 'select') evaluateSelect(statement, fakeCatalog());
    }
  } catch (error) {
    if (!(error instanceof SqlError)) {
      assert.unreachable(`${label}: ${(error as Error)?.stack?.slice(0, 600) ?? String(error)}\n--- input ---\n${sql.slice(0, 300)}`);
    }
    const { number } = error as SqlError;
    assert.ok(Number.isInteger(number) && number > 0, label);
  }
}

test('random token soup', () => {
  const next = random(20261125);
  for (let i = 0; i < 4000; i++) {
    const length = 1 + Math.floor(next() * 25);
    const sql = Array.from({ length }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ');
    expectSqlErrorOrSuccess(sql, `soup #${i}`);
  }
});

test('every prefix of real statements', () => {
  const statements = [
    ...[PRINCIPAL_ENDPOINT, PRINCIPAL_USER].flatMap((s) => s.split(/\nGO\n/)),
    "SELECT d.name, m.mirroring_state_desc FROM sys.databases d LEFT JOIN sys.database_mirroring m ON m.database_id = d.database_id WHERE m.mirroring_guid IS NOT NULL AND d.name IN ('Patriot', N'PatriotArchive') ORDER BY 1 DESC",
    "RESTORE DATABASE Patriot FROM DISK = 'E:\\b.dat' WITH NORECOVERY, MOVE 'Patriot' TO 'F:\\p.mdf', STATS = 10",
    "IF NOT EXISTS (SELECT 1 FROM sys.databases WHERE name = 'x') BEGIN DECLARE @n int = 1; SET @n = @n + 1 END ELSE PRINT 'y'",
  ];
  for (const statement of statements) {
    for (let end = 0; end <= statement.length; end++) expectSqlErrorOrSuccess(statement.slice(0, end), `prefix ${end}`);
  }
});

test('random characters', () => {
  const next = random(7);
  const alphabet = 'abcSELECT[]"\'N0x19@#.,;()=<>!+-*/%~:_ \n\t\\{}|^&$`?é€\u0000';
  for (let i = 0; i < 3000; i++) {
    const length = Math.floor(next() * 40);
    const sql = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    expectSqlErrorOrSuccess(sql, `chars #${i}`);
  }
});

test('random well-formed SELECTs evaluate or fail with a SqlError, and some succeed', () => {
  const next = random(4242);
  let succeeded = 0;
  for (let i = 0; i < 1000; i++) {
    const sql = randomSelect(next);
    try {
      for (const statement of parseBatch(sql)) if (statement.kind === 'select') evaluateSelect(statement, fakeCatalog());
      succeeded++;
    } catch (error) {
      if (!(error instanceof SqlError)) assert.unreachable(`select #${i}: ${(error as Error)?.stack?.slice(0, 600)}\n--- input ---\n${sql}`);
    }
  }
  assert.ok(succeeded > 50, `only ${succeeded} of 1000 random SELECTs ran`);
});

test('deep nesting is refused with Msg 191 as SQL Server does, not with a stack overflow', () => {
  for (const sql of [
    `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`,
    `SELECT 1 WHERE ${'NOT '.repeat(5000)}1 = 1`,
    `SELECT ${'- '.repeat(5000)}1`,
    `${'IF 1 = 1 '.repeat(3000)}PRINT 'x'`,
    `SELECT 1 WHERE ${'EXISTS (SELECT 1 WHERE '.repeat(2000)}1 = 1${')'.repeat(2000)}`,
  ]) {
    try {
      parseBatch(sql);
      assert.unreachable('nested too deeply');
    } catch (error) {
      assert.ok(error instanceof SqlError, (error as Error).message);
      assert.is((error as SqlError).number, 191, sql.slice(0, 40));
    }
  }
  assert.is(parseBatch(`SELECT ${'('.repeat(50)}1${')'.repeat(50)}`).length, 1);
});

test.run();
