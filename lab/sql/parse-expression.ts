// Scalar expressions and search conditions. T-SQL keeps the two apart (a condition is not a
// value), so they are parsed by separate entry points: expression() and condition().

import type { Expr } from './ast.js';
import type { Cursor } from './cursor.js';
import { SqlSyntaxError } from './lexer.js';
import { parseSelectBody } from './parse-select.js';

const DATEPART_FUNCTIONS = new Set(['DATEADD', 'DATEDIFF', 'DATEDIFF_BIG', 'DATEPART', 'DATENAME', 'DATETRUNC']);
/** Reserved words that are also niladic functions. */
const NILADIC = new Set(['CURRENT_TIMESTAMP', 'CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'USER']);
/** Reserved words that are also ordinary functions when followed by '('. */
const RESERVED_FUNCTIONS = new Set(['LEFT', 'RIGHT', 'COALESCE', 'NULLIF', 'USER']);

const COMPARISONS: Record<string, '=' | '<>' | '<' | '>' | '<=' | '>='> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  '!<': '>=',
  '!>': '<=',
};

// ------------------------------------------------------------------------------------------------
// Conditions

export function condition(c: Cursor): Expr {
  return c.nested(() => disjunction(c));
}

function disjunction(c: Cursor): Expr {
  let left = conjunction(c);
  while (c.acceptWord('OR')) left = { kind: 'or', left, right: conjunction(c) };
  return left;
}

function conjunction(c: Cursor): Expr {
  let left = negation(c);
  while (c.acceptWord('AND')) left = { kind: 'and', left, right: negation(c) };
  return left;
}

function negation(c: Cursor): Expr {
  if (c.acceptWord('NOT')) return { kind: 'not', operand: c.nested(() => negation(c)) };
  return predicate(c);
}

function predicate(c: Cursor): Expr {
  if (c.acceptWord('EXISTS')) {
    c.expectOp('(');
    const query = parseSelectBody(c);
    c.expectOp(')');
    return { kind: 'exists', query };
  }
  if (c.isOp('(') && !c.isWord('SELECT', 1)) {
    const grouped = tryGroupedCondition(c);
    if (grouped) return grouped;
  }
  const left = expression(c);
  const t = c.peek();
  if (t.kind === 'op' && COMPARISONS[t.text]) {
    c.next();
    return { kind: 'comparison', op: COMPARISONS[t.text]!, left, right: expression(c) };
  }
  if (c.acceptWord('IS')) {
    const negated = c.acceptWord('NOT');
    c.expectWord('NULL');
    return { kind: 'isNull', operand: left, negated };
  }
  const negated = c.acceptWord('NOT');
  if (c.acceptWord('IN')) {
    c.expectOp('(');
    if (c.isWord('SELECT')) {
      const query = parseSelectBody(c);
      c.expectOp(')');
      return { kind: 'inSelect', operand: left, query, negated };
    }
    const list = [expression(c)];
    while (c.acceptOp(',')) list.push(expression(c));
    c.expectOp(')');
    return { kind: 'in', operand: left, list, negated };
  }
  if (c.acceptWord('LIKE')) {
    const pattern = expression(c);
    const escape = c.acceptWord('ESCAPE') ? expression(c) : undefined;
    return { kind: 'like', operand: left, pattern, negated, ...(escape ? { escape } : {}) };
  }
  if (c.acceptWord('BETWEEN')) {
    const low = expression(c);
    c.expectWord('AND');
    return { kind: 'between', operand: left, low, high: expression(c), negated };
  }
  if (negated) throw c.fail();
  // A value where a condition belongs (WHERE is_disabled): SQL Server's Msg 4145.
  if (t.kind === 'eof' || t.kind === 'op' || (t.kind === 'word' && ['AND', 'OR', 'THEN', 'ORDER', 'GROUP', 'BEGIN'].includes(t.upper))) {
    throw new SqlSyntaxError(4145, `An expression of non-boolean type specified in a context where a condition is expected, near '${t.text}'.`, t.line);
  }
  throw c.fail();
}

/** `( condition )` — or not: `(a + 1) > 2` starts with a parenthesised value, so back off. */
function tryGroupedCondition(c: Cursor): Expr | undefined {
  const mark = c.mark;
  try {
    c.expectOp('(');
    const inner = condition(c);
    c.expectOp(')');
    const t = c.peek();
    const continuesAsValue = t.kind === 'op' && (COMPARISONS[t.text] !== undefined || '+-*/%'.includes(t.text));
    if (!continuesAsValue) return inner;
  } catch (error) {
    if (!(error instanceof SqlSyntaxError) || error.number === 191) throw error;
  }
  c.reset(mark);
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Scalar expressions

export function expression(c: Cursor): Expr {
  return c.nested(() => sum(c));
}

function sum(c: Cursor): Expr {
  let left = term(c);
  for (;;) {
    if (c.acceptOp('+')) left = { kind: 'arithmetic', op: '+', left, right: term(c) };
    else if (c.acceptOp('-')) left = { kind: 'arithmetic', op: '-', left, right: term(c) };
    else return left;
  }
}

function term(c: Cursor): Expr {
  let left = unary(c);
  for (;;) {
    const t = c.peek();
    if (t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%')) {
      c.next();
      left = { kind: 'arithmetic', op: t.text, left, right: unary(c) };
    } else return left;
  }
}

function unary(c: Cursor): Expr {
  const t = c.peek();
  if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
    c.next();
    const operand = c.nested(() => unary(c));
    // -5 is a literal, so that its type is int and not an expression over one.
    if (t.text === '-' && operand.kind === 'number') return { ...operand, value: -operand.value };
    return { kind: 'unary', op: t.text, operand };
  }
  return primary(c);
}

function primary(c: Cursor): Expr {
  const t = c.peek();
  switch (t.kind) {
    case 'number': {
      c.next();
      const scale = /^\d*\.(\d*)$/.exec(t.text)?.[1]?.length;
      return scale === undefined ? { kind: 'number', value: t.value, integer: t.integer } : { kind: 'number', value: t.value, integer: false, scale };
    }
    case 'string':
      c.next();
      return { kind: 'string', value: t.value, unicode: t.unicode };
    case 'binary':
      c.next();
      return { kind: 'binary', value: t.value };
    case 'variable':
      c.next();
      return { kind: 'variable', name: t.text };
    case 'op':
      if (t.text !== '(') throw c.fail();
      c.next();
      if (c.isWord('SELECT')) {
        const query = parseSelectBody(c);
        c.expectOp(')');
        return { kind: 'subquery', query };
      }
      {
        const inner = expression(c);
        c.expectOp(')');
        return inner;
      }
    case 'word':
      if (t.upper === 'NULL') {
        c.next();
        return { kind: 'null' };
      }
      if (t.upper === 'CASE') return caseExpression(c);
      if (t.upper === 'CAST') return cast(c);
      if (t.upper === 'CONVERT') return convert(c);
      if (t.upper === 'IIF' && c.isOp('(', 1)) return iif(c);
      if (RESERVED_FUNCTIONS.has(t.upper) && c.isOp('(', 1)) {
        c.next();
        return call(c, t.text, []);
      }
      if (NILADIC.has(t.upper)) {
        c.next();
        return { kind: 'call', name: t.text, schema: [], args: [], star: false, distinct: false };
      }
      break;
    case 'quoted':
      break;
    case 'eof':
      throw c.fail();
  }
  const parts = c.multipartName();
  if (c.isOp('(')) return call(c, parts.at(-1)!, parts.slice(0, -1));
  return { kind: 'column', parts };
}

function call(c: Cursor, name: string, schema: string[]): Expr {
  c.expectOp('(');
  const base = { kind: 'call' as const, name, schema, star: false, distinct: false };
  if (c.acceptOp(')')) return { ...base, args: [] };
  if (c.isOp('*') && c.isOp(')', 1)) {
    c.next();
    c.next();
    return { ...base, args: [], star: true };
  }
  const distinct = c.acceptWord('DISTINCT');
  if (!distinct) c.acceptWord('ALL');
  const args: Expr[] = [];
  if (DATEPART_FUNCTIONS.has(name.toUpperCase()) && schema.length === 0) {
    const part = c.peek();
    if (part.kind !== 'word') throw c.fail();
    c.next();
    args.push({ kind: 'keyword', word: part.text.toLowerCase() });
    if (c.acceptOp(')')) return { ...base, args, distinct };
    c.expectOp(',');
  }
  do args.push(expression(c));
  while (c.acceptOp(','));
  c.expectOp(')');
  return { ...base, args, distinct };
}

function caseExpression(c: Cursor): Expr {
  c.expectWord('CASE');
  const operand = c.isWord('WHEN') ? undefined : expression(c);
  const whens: { when: Expr; then: Expr }[] = [];
  while (c.acceptWord('WHEN')) {
    const when = operand ? expression(c) : condition(c);
    c.expectWord('THEN');
    whens.push({ when, then: expression(c) });
  }
  if (whens.length === 0) throw c.fail();
  const otherwise = c.acceptWord('ELSE') ? expression(c) : undefined;
  c.expectWord('END');
  return { kind: 'case', whens, ...(operand ? { operand } : {}), ...(otherwise ? { else: otherwise } : {}) };
}

function cast(c: Cursor): Expr {
  c.next();
  c.expectOp('(');
  const operand = expression(c);
  c.expectWord('AS');
  const type = c.dataType();
  c.expectOp(')');
  return { kind: 'cast', operand, type };
}

function convert(c: Cursor): Expr {
  c.next();
  c.expectOp('(');
  const type = c.dataType();
  c.expectOp(',');
  const operand = expression(c);
  const style = c.acceptOp(',') ? expression(c) : undefined;
  c.expectOp(')');
  return { kind: 'convert', type, operand, ...(style ? { style } : {}) };
}

function iif(c: Cursor): Expr {
  c.next();
  c.expectOp('(');
  const when = condition(c);
  c.expectOp(',');
  const then = expression(c);
  c.expectOp(',');
  const otherwise = expression(c);
  c.expectOp(')');
  return { kind: 'case', whens: [{ when, then }], else: otherwise };
}
