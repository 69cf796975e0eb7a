// SELECT: list, sources, joins, filters, grouping, ordering.

import type { Expr, Join, OrderItem, SelectItem, SelectStatement, TableRef } from './ast.js';
import type { Cursor } from './cursor.js';
import { condition, expression } from './parse-expression.js';

/** A SELECT with any UNION [ALL] members and the ORDER BY that applies to the whole. */
export function parseSelectBody(c: Cursor): SelectStatement {
  const statement = querySpecification(c);
  while (c.acceptWord('UNION')) {
    const all = c.acceptWord('ALL');
    (statement.unions ??= []).push({ all, query: querySpecification(c) });
  }
  if (c.acceptWord('ORDER', 'BY')) {
    do statement.orderBy.push(orderItem(c));
    while (c.acceptOp(','));
  }
  return statement;
}

function querySpecification(c: Cursor): SelectStatement {
  const line = c.peek().line;
  c.expectWord('SELECT');
  const distinct = c.acceptWord('DISTINCT');
  if (!distinct) c.acceptWord('ALL');
  let top;
  if (c.acceptWord('TOP')) {
    if (c.acceptOp('(')) {
      top = expression(c);
      c.expectOp(')');
    } else top = { kind: 'number' as const, value: c.integer(), integer: true };
  }
  const items = [selectItem(c)];
  while (c.acceptOp(',')) items.push(selectItem(c));

  const statement: SelectStatement = { kind: 'select', line, distinct, items, joins: [], groupBy: [], orderBy: [] };
  if (top) statement.top = top;
  if (c.acceptWord('FROM')) {
    statement.from = tableRef(c);
    for (;;) {
      const join = joinClause(c);
      if (!join) break;
      statement.joins.push(join);
    }
  }
  if (c.acceptWord('WHERE')) statement.where = condition(c);
  if (c.acceptWord('GROUP', 'BY')) {
    do statement.groupBy.push(expression(c));
    while (c.acceptOp(','));
  }
  if (c.acceptWord('HAVING')) statement.having = condition(c);
  return statement;
}

function selectItem(c: Cursor): SelectItem {
  if (c.acceptOp('*')) return { kind: 'star' };
  const star = qualifiedStar(c);
  if (star) return star;
  const first = c.peek();
  if (first.kind === 'variable' && c.isOp('=', 1)) {
    c.next();
    c.next();
    return { kind: 'assign', variable: first.text, expr: expression(c) };
  }
  if ((c.isIdentifier() || first.kind === 'string') && c.isOp('=', 1)) {
    c.next();
    c.next();
    return { kind: 'expr', alias: first.text, expr: expression(c) };
  }
  const expr = expression(c);
  const alias = columnAlias(c);
  return alias === undefined ? { kind: 'expr', expr } : { kind: 'expr', expr, alias };
}

/** `t.*`, `dbo.t.*` … : names followed by `.*`. */
function qualifiedStar(c: Cursor): SelectItem | undefined {
  let k = 0;
  while (c.isIdentifier(k) && c.isOp('.', k + 1)) {
    if (c.isOp('*', k + 2)) {
      const qualifier: string[] = [];
      for (let i = 0; i <= k; i += 2) qualifier.push(c.peek(i).text);
      for (let i = 0; i < k + 3; i++) c.next();
      return { kind: 'star', qualifier };
    }
    k += 2;
  }
  return undefined;
}

function columnAlias(c: Cursor): string | undefined {
  if (c.acceptWord('AS')) {
    if (c.isString()) return c.string();
    return c.identifier();
  }
  if (c.isIdentifier()) return c.identifier();
  if (c.isString()) return c.string();
  return undefined;
}

function tableRef(c: Cursor): TableRef {
  const name = c.multipartName();
  const args: Expr[] = [];
  const call = c.acceptOp('(');
  if (call && !c.acceptOp(')')) {
    do args.push(expression(c));
    while (c.acceptOp(','));
    c.expectOp(')');
  }
  let alias: string | undefined;
  if (c.acceptWord('AS')) alias = c.identifier();
  else if (c.isIdentifier()) alias = c.identifier();
  tableHints(c);
  return { name, ...(alias === undefined ? {} : { alias }), ...(call ? { args } : {}) };
}

/** WITH (NOLOCK) and friends change locking, which the lab does not have; accepted and ignored. */
function tableHints(c: Cursor): void {
  if (!(c.isWord('WITH') && c.isOp('(', 1))) return;
  c.next();
  c.next();
  do
    c.expectOneOf(
      'NOLOCK',
      'READUNCOMMITTED',
      'READCOMMITTED',
      'READPAST',
      'HOLDLOCK',
      'ROWLOCK',
      'PAGLOCK',
      'TABLOCK',
      'UPDLOCK',
      'REPEATABLEREAD',
      'SERIALIZABLE',
    );
  while (c.acceptOp(','));
  c.expectOp(')');
}

function joinClause(c: Cursor): Join | undefined {
  if (c.acceptOp(',')) return { type: 'CROSS', table: tableRef(c) };
  if (c.acceptWord('CROSS', 'JOIN')) return { type: 'CROSS', table: tableRef(c) };
  if (c.acceptWord('CROSS', 'APPLY')) return { type: 'INNER', table: tableRef(c) };
  if (c.acceptWord('OUTER', 'APPLY')) return { type: 'LEFT', table: tableRef(c) };
  let type: Join['type'];
  if (c.acceptWord('JOIN') || c.acceptWord('INNER', 'JOIN')) type = 'INNER';
  else {
    const side = c.acceptOneOf('LEFT', 'RIGHT', 'FULL');
    if (!side) return undefined;
    c.acceptWord('OUTER');
    c.expectWord('JOIN');
    type = side;
  }
  const table = tableRef(c);
  c.expectWord('ON');
  return { type, table, on: condition(c) };
}

function orderItem(c: Cursor): OrderItem {
  const expr = expression(c);
  const direction = c.acceptOneOf('ASC', 'DESC');
  return { expr, descending: direction === 'DESC' };
}
