import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqlError } from '../../lab/errors.js';
import { parseBatch } from '../../lab/sql/parse.js';

function failure(sql: string): { number: number; class: number; message: string; line: number } {
  try {
    parseBatch(sql);
  } catch (error) {
    assert.ok(error instanceof SqlError, `a SqlError for: ${sql}`);
    return error as SqlError & { line: number };
  }
  throw new assert.Assertion({ message: `no error for: ${sql}`, generated: true, operator: 'throws', expects: 'SqlError', actual: 'success' });
}

function expect102(sql: string, near: string, line: number) {
  const e = failure(sql);
  assert.equal([e.number, e.class, e.message, e.line], [102, 15, `Incorrect syntax near '${near}'.`, line], sql);
}

test('GO reaching the server is a syntax error, wherever it is', () => {
  expect102('GO', 'GO', 1);
  expect102('SELECT 1\nGO', 'GO', 2);
  expect102('USE master\nGO\nSELECT 1', 'GO', 2);
  expect102("CREATE CERTIFICATE c FROM FILE = 'x.cer'\n\n  GO", 'GO', 3);
});

test('statements the lab does not support: 102 near their first word', () => {
  expect102('MERGE t USING s ON 1 = 1 WHEN MATCHED THEN DELETE;', 'MERGE', 1);
  expect102('SELECT 1\nCREATE VIEW v AS SELECT 1', 'VIEW', 2);
  expect102('TRUNCATE TABLE t', 'TRUNCATE', 1);
  expect102('USE master\n\nUPDATE t SET a = 1', 'UPDATE', 3);
  expect102('CREATE ENDPOINT e AS TCP (LISTENER_PORT = 4022) FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS)', 'SERVICE_BROKER', 1);
  expect102("BACKUP DATABASE Patriot TO URL = 'https://x/y.bak'", 'URL', 1);
  expect102('USE master sp_who', 'sp_who', 1);
  expect102('SET NOEXEC ON', 'NOEXEC', 1);
  expect102('SET NOCOUNT ON\nSET FMTONLY ON', 'FMTONLY', 2);
  expect102('SET ROWCOUNT 1', 'ROWCOUNT', 1);
});

test('mistakes in supported statements: near the offending token, on its line', () => {
  expect102("USE master\nCREATE LOGIN x WITH PASWORD = 'p'", 'PASWORD', 2);
  expect102('SELECT * FROM', 'FROM', 1);
  expect102('SELECT name FROM sys.databases WHERE', 'WHERE', 1);
  expect102('ALTER DATABASE Patriot SET PARTNER = TCP://x:5022', 'TCP', 1);
  expect102('ALTER DATABASE Patriot SET PARTNER SAFETY ON', 'ON', 1);
  expect102('CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022, LISTENER_PORT = 5023) FOR DATABASE_MIRRORING (ROLE = ALL)', 'LISTENER_PORT', 1);
  expect102('CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL, ROLE = PARTNER)', 'ROLE', 1);
  expect102('CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES AES)', 'AES', 1);
  expect102("CREATE CERTIFICATE c\nWITH START_DATE = '20250101'", '20250101', 2);
  expect102("RESTORE DATABASE Patriot FROM DISK = 'a' WITH NORECOVERY, RECOVERY", 'RECOVERY', 1);
  expect102("BACKUP CERTIFICATE c TO FILE = 'c.cer' WITH PRIVATE KEY (FILE = 'c.pvk')", ')', 1);
  expect102('SELECT (1', '1', 1);
  expect102('SELECT TRY_CONVERT(int, 1)', 'TRY_CONVERT', 1);
  expect102('SELECT 1 ORDER BY 1\nUNION SELECT 2', 'UNION', 2);
});

test('garbage and lexical errors', () => {
  expect102('!!', '!', 1);
  expect102('\n\n42', '42', 3);
  expect102("'just a string'", 'just a string', 1);
  const unclosed = failure("SELECT 'abc");
  assert.equal([unclosed.number, unclosed.class, unclosed.message], [105, 15, "Unclosed quotation mark after the character string 'abc'."]);
  const comment = failure('SELECT 1 /* a /* nested */ still open');
  assert.equal([comment.number, comment.message], [113, "Missing end comment mark '*/'."]);
  const option = failure('SET NO_SUCH_OPTION ON');
  assert.equal([option.number, option.class, option.message], [195, 15, "'NO_SUCH_OPTION' is not a recognized SET option."]);
  const condition = failure('SELECT 1 WHERE database_id');
  assert.is(condition.number, 4145);
});

test.run();
