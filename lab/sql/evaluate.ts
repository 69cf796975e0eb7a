// Entry points for executors: a scalar expression or a condition outside any SELECT (PRINT, SET,
// IF, WAITFOR, EXEC arguments).

import type { Expr } from './ast.js';
import type { SqlCatalog, Typed } from './catalog.js';
import { evaluate, truth } from './expression.js';

export function evaluateExpression(expr: Expr, catalog: SqlCatalog): Typed {
  const { value, type } = evaluate(expr, { catalog, sources: [], row: [] });
  return { value, type };
}

/** true, false, or null (unknown — which IF treats as false). */
export function evaluateCondition(expr: Expr, catalog: SqlCatalog): boolean | null {
  return truth(expr, { catalog, sources: [], row: [] });
}
