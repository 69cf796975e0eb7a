// RAISERROR and THROW ("RAISERROR (Transact-SQL)", "THROW (Transact-SQL)").

import type { Expr, RaiserrorStatement, ThrowStatement } from './ast.js';
import type { Cursor } from './cursor.js';
import { expression } from './parse-expression.js';

export function parseRaiserror(c: Cursor): RaiserrorStatement {
  const line = c.peek().line;
  c.expectWord('RAISERROR');
  c.expectOp('(');
  const message = expression(c);
  c.expectOp(',');
  const severity = expression(c);
  c.expectOp(',');
  const state = expression(c);
  const args: Expr[] = [];
  while (c.acceptOp(',')) args.push(expression(c));
  c.expectOp(')');
  const options: RaiserrorStatement['options'] = [];
  if (c.acceptWord('WITH')) {
    do options.push(c.expectOneOf('LOG', 'NOWAIT', 'SETERROR'));
    while (c.acceptOp(','));
  }
  return { kind: 'raiserror', line, message, severity, state, args, options };
}

export function parseThrow(c: Cursor): ThrowStatement {
  const line = c.peek().line;
  c.expectWord('THROW');
  const t = c.peek();
  if (t.kind === 'eof' || (t.kind === 'op' && t.text === ';')) return { kind: 'throw', line };
  const number = expression(c);
  c.expectOp(',');
  const message = expression(c);
  c.expectOp(',');
  const state = expression(c);
  return { kind: 'throw', line, error: { number, message, state } };
}
