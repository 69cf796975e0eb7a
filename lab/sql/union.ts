// SELECT … UNION [ALL] SELECT …: members evaluated alone, combined left to right (UNION removes
// duplicates from what is combined so far), column types widened, then the ORDER BY of the whole.

import { SqlError } from '../errors.js';
import type { Column, SqlValue } from '../tds/handler.js';
import type { SelectStatement } from './ast.js';
import type { SqlCatalog } from './catalog.js';
import { compare } from './compare.js';
import { convert } from './convert.js';
import type { RowEnv } from './expression.js';
import { runSelect, type SelectResult } from './select.js';
import { widen } from './types.js';

export function runUnion(statement: SelectStatement, catalog: SqlCatalog, outer?: RowEnv): SelectResult {
  const first = runSelect({ ...statement, orderBy: [], unions: [] }, catalog, outer);
  const members = (statement.unions ?? []).map((u) => ({ all: u.all, result: runSelect(u.query, catalog, outer) }));
  if ([first, ...members.map((m) => m.result)].some((r) => r.assignments)) {
    throw new SqlError(141, 'A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.', { class: 15 });
  }
  for (const m of members) {
    if (m.result.columns.length !== first.columns.length) {
      throw new SqlError(
        205,
        'All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.',
      );
    }
  }
  const columns: Column[] = first.columns.map((c, i) => ({
    ...c,
    sqlType: members.reduce((t, m) => widen(t, m.result.columns[i]!.sqlType), c.sqlType),
    nullable: c.nullable || members.some((m) => m.result.columns[i]!.nullable),
  }));
  const conform = (result: SelectResult) =>
    result.rows.map((row) => row.map((value, i) => (value === null ? null : convert({ value, type: result.columns[i]!.sqlType }, columns[i]!.sqlType))));

  let rows = conform(first);
  for (const m of members) {
    rows = [...rows, ...conform(m.result)];
    if (!m.all) rows = rows.filter((row, i) => rows.findIndex((other) => sameRow(row, other, columns)) === i);
  }
  if (statement.orderBy.length > 0) rows = order(statement, rows, columns);
  return { columns, rows };
}

function sameRow(a: SqlValue[], b: SqlValue[], columns: Column[]): boolean {
  return a.every((v, i) => {
    const w = b[i] ?? null;
    if (v === null || w === null) return v === w;
    const type = columns[i]!.sqlType;
    return compare({ value: v, type }, { value: w, type }) === 0;
  });
}

/** ORDER BY of a union names output columns (or their ordinals) only: else Msg 104. */
function order(statement: SelectStatement, rows: SqlValue[][], columns: Column[]): SqlValue[][] {
  const aliases = statement.items.map((item) => (item.kind === 'expr' ? item.alias : undefined));
  const positions = statement.orderBy.map((o) => {
    if (o.expr.kind === 'number' && o.expr.integer) {
      if (o.expr.value < 1 || o.expr.value > columns.length) {
        throw new SqlError(108, `The ORDER BY position number ${o.expr.value} is out of range of the number of items in the select list.`, { class: 15 });
      }
      return o.expr.value - 1;
    }
    const name = o.expr.kind === 'column' ? o.expr.parts.at(-1)!.toLowerCase() : undefined;
    const index = name === undefined ? -1 : columns.findIndex((c, i) => c.name.toLowerCase() === name || aliases[i]?.toLowerCase() === name);
    if (index < 0) throw new SqlError(104, 'ORDER BY items must appear in the select list if the statement contains a UNION, INTERSECT or EXCEPT operator.');
    return index;
  });
  return [...rows].sort((x, y) => {
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k]!;
      const a = x[i] ?? null;
      const b = y[i] ?? null;
      const type = columns[i]!.sqlType;
      const c = a === null ? (b === null ? 0 : -1) : b === null ? 1 : compare({ value: a, type }, { value: b, type })!;
      if (c !== 0) return statement.orderBy[k]!.descending ? -c : c;
    }
    return 0;
  });
}
