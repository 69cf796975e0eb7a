// Session and batch plumbing: USE, SET, DECLARE, PRINT, WAITFOR, EXEC, transactions.

import type {
  DeclareStatement,
  ExecArgument,
  ExecStatement,
  Expr,
  PrintStatement,
  SetOptionStatement,
  SetVariableStatement,
  TransactionStatement,
  UseStatement,
  WaitforStatement,
} from './ast.js';
import type { Cursor } from './cursor.js';
import { SqlSyntaxError } from './lexer.js';
import { expression } from './parse-expression.js';

export function parseUse(c: Cursor): UseStatement {
  const line = c.peek().line;
  c.expectWord('USE');
  return { kind: 'use', line, database: c.identifier() };
}

const ON_OFF_OPTIONS = new Set([
  'ANSI_NULLS',
  'ANSI_PADDING',
  'ANSI_WARNINGS',
  'ANSI_NULL_DFLT_ON',
  'ANSI_NULL_DFLT_OFF',
  'ANSI_DEFAULTS',
  'ARITHABORT',
  'ARITHIGNORE',
  'CONCAT_NULL_YIELDS_NULL',
  'CURSOR_CLOSE_ON_COMMIT',
  'IMPLICIT_TRANSACTIONS',
  'NOCOUNT',
  'NUMERIC_ROUNDABORT',
  'QUOTED_IDENTIFIER',
  'XACT_ABORT',
  'NO_BROWSETABLE',
]);
/** Real SET options that change what the server executes or returns; the lab does not do them, so
 * they are refused (102) rather than accepted and ignored. */
const UNSUPPORTED_OPTIONS = new Set([
  'FMTONLY',
  'NOEXEC',
  'PARSEONLY',
  'FORCEPLAN',
  'SHOWPLAN_ALL',
  'SHOWPLAN_TEXT',
  'SHOWPLAN_XML',
  'ROWCOUNT',
  'STATISTICS',
  'IDENTITY_INSERT',
  'CONTEXT_INFO',
  'OFFSETS',
]);
const NUMBER_OPTIONS = new Set(['TEXTSIZE', 'LOCK_TIMEOUT', 'DATEFIRST', 'QUERY_GOVERNOR_COST_LIMIT']);
const WORD_OPTIONS = new Set(['DATEFORMAT', 'LANGUAGE', 'DEADLOCK_PRIORITY']);
const ISOLATION_LEVELS = [['READ', 'UNCOMMITTED'], ['READ', 'COMMITTED'], ['REPEATABLE', 'READ'], ['SNAPSHOT'], ['SERIALIZABLE']];

export function parseSet(c: Cursor): SetOptionStatement | SetVariableStatement {
  const line = c.peek().line;
  c.expectWord('SET');
  const first = c.peek();
  if (first.kind === 'variable') {
    c.next();
    c.expectOp('=');
    return { kind: 'setVariable', line, name: first.text, value: expression(c) };
  }
  if (first.kind !== 'word') throw c.fail();
  if (c.acceptWord('TRANSACTION', 'ISOLATION', 'LEVEL')) {
    const level = ISOLATION_LEVELS.find((words) => c.isWords(...words));
    if (!level) throw c.fail();
    c.acceptWord(...level);
    return { kind: 'setOption', line, options: ['TRANSACTION ISOLATION LEVEL'], value: level.join(' ') };
  }
  if (UNSUPPORTED_OPTIONS.has(first.upper)) throw c.fail();
  c.next();
  if (NUMBER_OPTIONS.has(first.upper)) {
    const negative = c.acceptOp('-');
    const n = c.integer();
    return { kind: 'setOption', line, options: [first.upper], value: String(negative ? -n : n) };
  }
  if (WORD_OPTIONS.has(first.upper)) {
    const t = c.next();
    if (t.kind === 'number' && t.integer) return { kind: 'setOption', line, options: [first.upper], value: t.text };
    if (t.kind !== 'word' && t.kind !== 'quoted' && t.kind !== 'string') throw c.fail(t);
    return { kind: 'setOption', line, options: [first.upper], value: t.text.toUpperCase() };
  }
  if (!ON_OFF_OPTIONS.has(first.upper)) throw new SqlSyntaxError(195, `'${first.text}' is not a recognized SET option.`, first.line);
  const options = [first.upper];
  while (c.acceptOp(',')) {
    const t = c.next();
    if (t.kind !== 'word' || !ON_OFF_OPTIONS.has(t.upper)) throw c.fail(t);
    options.push(t.upper);
  }
  return { kind: 'setOption', line, options, value: c.onOff() ? 'ON' : 'OFF' };
}

export function parseDeclare(c: Cursor): DeclareStatement {
  const line = c.peek().line;
  c.expectWord('DECLARE');
  const variables: DeclareStatement['variables'] = [];
  do {
    const v = c.peek();
    if (v.kind !== 'variable' || v.text.startsWith('@@')) throw c.fail();
    c.next();
    c.acceptWord('AS');
    const type = c.dataType();
    variables.push(c.acceptOp('=') ? { name: v.text, type, init: expression(c) } : { name: v.text, type });
  } while (c.acceptOp(','));
  return { kind: 'declare', line, variables };
}

export function parsePrint(c: Cursor): PrintStatement {
  const line = c.peek().line;
  c.expectWord('PRINT');
  return { kind: 'print', line, value: expression(c) };
}

export function parseWaitfor(c: Cursor): WaitforStatement {
  const line = c.peek().line;
  c.expectWord('WAITFOR');
  const mode = c.expectOneOf('DELAY', 'TIME');
  const t = c.peek();
  if (t.kind !== 'string' && t.kind !== 'variable') throw c.fail();
  return { kind: 'waitfor', line, mode, value: expression(c) };
}

/** EXEC proc args. Also a batch's first statement without EXEC (`sp_who`), as SQL Server allows. */
export function parseExec(c: Cursor, implicit = false): ExecStatement {
  const line = c.peek().line;
  if (!implicit) c.expectOneOf('EXEC', 'EXECUTE');
  let returnVariable: string | undefined;
  const v = c.peek();
  if (v.kind === 'variable' && c.isOp('=', 1)) {
    c.next();
    c.next();
    returnVariable = v.text;
  }
  const procedure = c.multipartName();
  const args: ExecArgument[] = [];
  if (startsArgument(c)) {
    do args.push(execArgument(c));
    while (c.acceptOp(','));
  }
  const statement: ExecStatement = { kind: 'exec', line, procedure, args };
  if (returnVariable) statement.returnVariable = returnVariable;
  return statement;
}

function startsArgument(c: Cursor): boolean {
  const t = c.peek();
  if (t.kind === 'string' || t.kind === 'number' || t.kind === 'binary' || t.kind === 'variable' || t.kind === 'quoted') return true;
  if (t.kind === 'op') return t.text === '-' || t.text === '+';
  return t.kind === 'word' && (t.upper === 'NULL' || t.upper === 'DEFAULT' || c.isIdentifier());
}

function execArgument(c: Cursor): ExecArgument {
  let name: string | undefined;
  const v = c.peek();
  if (v.kind === 'variable' && c.isOp('=', 1)) {
    c.next();
    c.next();
    name = v.text;
  }
  const value = argumentValue(c);
  const output = c.acceptOneOf('OUTPUT', 'OUT') !== undefined;
  return name === undefined ? { value, output } : { name, value, output };
}

/** EXEC takes constants, variables and bare words — not expressions. */
function argumentValue(c: Cursor): Expr | null {
  const t = c.peek();
  if (c.acceptWord('DEFAULT')) return null;
  if (c.acceptWord('NULL')) return { kind: 'null' };
  switch (t.kind) {
    case 'string':
      c.next();
      return { kind: 'string', value: t.value, unicode: t.unicode };
    case 'binary':
      c.next();
      return { kind: 'binary', value: t.value };
    case 'variable':
      c.next();
      return { kind: 'variable', name: t.text };
    case 'number':
      c.next();
      return { kind: 'number', value: t.value, integer: t.integer };
    case 'op': {
      if (t.text !== '-' && t.text !== '+') throw c.fail();
      c.next();
      const n = c.peek();
      if (n.kind !== 'number') throw c.fail();
      c.next();
      return { kind: 'number', value: t.text === '-' ? -n.value : n.value, integer: n.integer };
    }
    default: {
      const word = c.identifier();
      return { kind: 'string', value: word, unicode: true };
    }
  }
}

export function parseTransaction(c: Cursor): TransactionStatement {
  const line = c.peek().line;
  const action = c.expectOneOf('BEGIN', 'COMMIT', 'ROLLBACK', 'SAVE');
  const keyword = c.acceptOneOf('TRAN', 'TRANSACTION', 'WORK');
  if ((action === 'BEGIN' || action === 'SAVE') && (keyword === undefined || keyword === 'WORK')) throw c.fail();
  const t = c.peek();
  let name: string | undefined;
  if (keyword !== 'WORK' && (t.kind === 'variable' || c.isIdentifier())) name = c.next().text;
  if (action === 'SAVE' && name === undefined) throw c.fail();
  return name === undefined ? { kind: 'transaction', line, action } : { kind: 'transaction', line, action, name };
}
