// A batch's text → its statements, or Msg 102 near the first token the lab does not understand.
// Statements are separated by ';' or simply follow each other, as SQL Server allows.

import type { BlockStatement, IfStatement, Statement, TryCatchStatement, WhileStatement } from './ast.js';
import { Cursor } from './cursor.js';
import { tokenize } from './lexer.js';
import { parseBackup, parseRestore } from './parse-backup.js';
import {
  parseBackupCertificate,
  parseCloseMasterKey,
  parseCreateCertificate,
  parseCreateMasterKey,
  parseDropCertificate,
  parseDropMasterKey,
  parseOpenMasterKey,
} from './parse-certificate.js';
import {
  parseAlterDatabase,
  parseCreateDatabase,
  parseCreateDatabaseEncryptionKey,
  parseDropDatabase,
  parseDropDatabaseEncryptionKey,
} from './parse-database.js';
import { parseAlterEndpoint, parseCreateEndpoint, parseDropEndpoint } from './parse-endpoint.js';
import { condition } from './parse-expression.js';
import {
  parseAlterLogin,
  parseAlterRole,
  parseAlterServerRole,
  parseCreateLogin,
  parseCreateUser,
  parseDropLogin,
  parseDropUser,
  parsePermission,
} from './parse-security.js';
import { parseSelectBody } from './parse-select.js';
import { parseRaiserror, parseThrow } from './parse-raise.js';
import { parseAlterTableAdd, parseCreateTable, parseDropTable, parseInsert } from './parse-table.js';
import { parseDeclare, parseExec, parsePrint, parseSet, parseTransaction, parseUse, parseWaitfor } from './parse-session.js';

export { SqlSyntaxError } from './lexer.js';

/** Parses a batch. Throws SqlSyntaxError (a SqlError with `line`) — 102, 105, 113, 195, 4145. */
export function parseBatch(sql: string): Statement[] {
  const c = new Cursor(tokenize(sql));
  const statements: Statement[] = [];
  for (;;) {
    while (c.acceptOp(';'));
    if (c.atEnd()) return statements;
    // A procedure name alone may start a batch without EXEC (`sp_who`).
    if (statements.length === 0 && c.isIdentifier() && !c.isWord('THROW')) statements.push(parseExec(c, true));
    else statements.push(statement(c));
  }
}

function statement(c: Cursor): Statement {
  return c.nested(() => statementAt(c));
}

function statementAt(c: Cursor): Statement {
  const t = c.peek();
  if (t.kind !== 'word') throw c.fail();
  const line = t.line;
  switch (t.upper) {
    case 'SELECT':
      return parseSelectBody(c);
    case 'USE':
      return parseUse(c);
    case 'SET':
      return parseSet(c);
    case 'DECLARE':
      return parseDeclare(c);
    case 'PRINT':
      return parsePrint(c);
    case 'RAISERROR':
      return parseRaiserror(c);
    case 'THROW':
      return parseThrow(c);
    case 'IF':
      return parseIf(c);
    case 'WHILE':
      return parseWhile(c);
    case 'BEGIN':
      if (c.isWord('TRAN', 1) || c.isWord('TRANSACTION', 1)) return parseTransaction(c);
      if (c.isWord('TRY', 1)) return parseTryCatch(c);
      return parseBlock(c);
    case 'COMMIT':
    case 'ROLLBACK':
    case 'SAVE':
      return parseTransaction(c);
    case 'WAITFOR':
      return parseWaitfor(c);
    case 'RECONFIGURE':
      c.next();
      if (c.acceptWord('WITH')) c.expectWord('OVERRIDE');
      return { kind: 'reconfigure', line };
    case 'INSERT':
      return parseInsert(c);
    case 'EXEC':
    case 'EXECUTE':
      return parseExec(c);
    case 'OPEN':
      return parseOpenMasterKey(c);
    case 'CLOSE':
      return parseCloseMasterKey(c);
    case 'GRANT':
    case 'DENY':
    case 'REVOKE':
      return parsePermission(c);
    case 'CREATE':
      c.next();
      return create(c, line);
    case 'DROP':
      c.next();
      return drop(c, line);
    case 'ALTER':
      c.next();
      return alter(c, line);
    case 'BACKUP':
      c.next();
      if (c.isWord('CERTIFICATE')) return parseBackupCertificate(c, line);
      return parseBackup(c, line);
    case 'RESTORE':
      c.next();
      return parseRestore(c, line);
    default:
      throw c.fail();
  }
}

function create(c: Cursor, line: number): Statement {
  const t = c.peek();
  if (t.kind !== 'word') throw c.fail();
  switch (t.upper) {
    case 'MASTER':
      return parseCreateMasterKey(c, line);
    case 'CERTIFICATE':
      return parseCreateCertificate(c, line);
    case 'ENDPOINT':
      return parseCreateEndpoint(c, line);
    case 'LOGIN':
      return parseCreateLogin(c, line);
    case 'USER':
      return parseCreateUser(c, line);
    case 'DATABASE':
      if (c.isWord('ENCRYPTION', 1)) return parseCreateDatabaseEncryptionKey(c, line);
      return parseCreateDatabase(c, line);
    case 'TABLE':
      return parseCreateTable(c, line);
    default:
      throw c.fail();
  }
}

function drop(c: Cursor, line: number): Statement {
  const t = c.peek();
  if (t.kind !== 'word') throw c.fail();
  switch (t.upper) {
    case 'MASTER':
      return parseDropMasterKey(c, line);
    case 'CERTIFICATE':
      return parseDropCertificate(c, line);
    case 'ENDPOINT':
      return parseDropEndpoint(c, line);
    case 'LOGIN':
      return parseDropLogin(c, line);
    case 'USER':
      return parseDropUser(c, line);
    case 'DATABASE':
      if (c.isWord('ENCRYPTION', 1)) return parseDropDatabaseEncryptionKey(c, line);
      return parseDropDatabase(c, line);
    case 'TABLE':
      return parseDropTable(c, line);
    default:
      throw c.fail();
  }
}

function alter(c: Cursor, line: number): Statement {
  const t = c.peek();
  if (t.kind !== 'word') throw c.fail();
  switch (t.upper) {
    case 'ENDPOINT':
      return parseAlterEndpoint(c, line);
    case 'LOGIN':
      return parseAlterLogin(c, line);
    case 'DATABASE':
      return parseAlterDatabase(c, line);
    case 'SERVER':
      return parseAlterServerRole(c, line);
    case 'ROLE':
      return parseAlterRole(c, line);
    case 'TABLE':
      return parseAlterTableAdd(c, line);
    default:
      throw c.fail();
  }
}

function parseIf(c: Cursor): IfStatement {
  const line = c.peek().line;
  c.expectWord('IF');
  const cond = condition(c);
  const then = statement(c);
  const result: IfStatement = { kind: 'if', line, condition: cond, then };
  if (c.acceptWord('ELSE')) result.else = statement(c);
  return result;
}

function parseWhile(c: Cursor): WhileStatement {
  const line = c.peek().line;
  c.expectWord('WHILE');
  const cond = condition(c);
  return { kind: 'while', line, condition: cond, body: statement(c) };
}

function parseBlock(c: Cursor): BlockStatement {
  const line = c.peek().line;
  c.expectWord('BEGIN');
  const statements: Statement[] = [];
  for (;;) {
    while (c.acceptOp(';'));
    if (c.acceptWord('END')) return { kind: 'block', line, statements };
    statements.push(statement(c));
  }
}

/** A TRY block must be followed at once by its CATCH block: anything between is a syntax error. */
function parseTryCatch(c: Cursor): TryCatchStatement {
  const line = c.peek().line;
  c.expectWord('BEGIN');
  c.expectWord('TRY');
  const tryBlock = statementsUntil(c, 'TRY');
  c.expectWord('BEGIN');
  c.expectWord('CATCH');
  return { kind: 'tryCatch', line, tryBlock, catchBlock: statementsUntil(c, 'CATCH') };
}

/** Statements up to END TRY / END CATCH (consumed). */
function statementsUntil(c: Cursor, end: 'TRY' | 'CATCH'): Statement[] {
  const statements: Statement[] = [];
  for (;;) {
    while (c.acceptOp(';'));
    if (c.isWord('END') && c.isWord(end, 1)) {
      c.next();
      c.next();
      return statements;
    }
    statements.push(statement(c));
  }
}
