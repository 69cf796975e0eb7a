// SELECT evaluated against a SqlCatalog: FROM and joins, WHERE, grouping and aggregates, the
// select list (with result column types inferred from the values' types), DISTINCT, ORDER BY, TOP.

import { SqlError } from '../errors.js';
import type { Column, SqlType, SqlValue } from '../tds/handler.js';
import type { Expr, SelectItem, SelectStatement, TableRef } from './ast.js';
import type { SqlCatalog, Typed } from './catalog.js';
import { compare } from './compare.js';
import { convert } from './convert.js';
import { children, evaluate, isAggregate, matchesQualifier, truth, type RowEnv, type Source, type Val } from './expression.js';
import { INT, widen } from './types.js';
import { runUnion } from './union.js';

export interface SelectResult {
  columns: Column[];
  rows: SqlValue[][];
  /** SELECT @v = … : the values of the last row, in select-list order (empty when no row qualified). */
  assignments?: { variable: string; value: Typed }[];
}

/** Evaluates a SELECT statement (or subquery, with `outer` for correlated references). */
export function runSelect(statement: SelectStatement, catalog: SqlCatalog, outer?: RowEnv): SelectResult {
  if (statement.unions && statement.unions.length > 0) return runUnion(statement, catalog, outer);
  const sources = bindSources(statement, catalog);
  const base: RowEnv = { catalog, sources: sources.map((s) => s.source), row: [], ...(outer ? { outer } : {}) };
  const nullRow = sources.map(() => null);

  const assigning = statement.items.some((i) => i.kind === 'assign');
  if (assigning && statement.items.some((i) => i.kind !== 'assign')) {
    throw new SqlError(141, 'A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.', { class: 15 });
  }

  const grouped =
    statement.groupBy.length > 0 ||
    [...statement.items.map(itemExpr), statement.having, ...statement.orderBy.map((o) => o.expr)].some((e) => e !== undefined && containsAggregate(e));
  if (grouped) checkGrouping(statement);
  probe(statement, { ...base, row: nullRow, ...(grouped ? { group: [] } : {}) });

  let rows = joinRows(statement, sources, base);
  if (statement.where) rows = rows.filter((row) => truth(statement.where!, { ...base, row }) === true);

  // Each output row is evaluated in its own environment: a row, or a group with a representative row.
  let envs: RowEnv[] = grouped ? groups(statement, rows, base, nullRow) : rows.map((row) => ({ ...base, row }));
  if (statement.having) envs = envs.filter((env) => truth(statement.having!, env) === true);

  const shape = outputShape(statement, sources);
  // Types come from the values; the NULL row gives them when no row qualifies.
  const probeEnv: RowEnv = { ...base, row: nullRow, ...(grouped ? { group: [] } : {}) };
  const probes = shape.map((c) => quietly(() => c.value(probeEnv)));
  let produced = envs.map((env) => ({ env, values: shape.map((c) => c.value(env)) }));

  if (statement.distinct) produced = produced.filter((r, i) => produced.findIndex((s) => sameRow(r.values, s.values)) === i);
  if (statement.orderBy.length > 0) produced = order(statement, produced, shape);
  if (statement.top) {
    const top = evaluate(statement.top, { ...base, row: nullRow });
    const n = top.value === null ? 0 : (convert(top, INT) as number);
    if (n < 0) throw new SqlError(1060, 'The number of rows in the TOP clause must be an integer.');
    produced = produced.slice(0, n);
  }

  if (assigning) {
    const last = produced.at(-1);
    return {
      columns: [],
      rows: [],
      assignments: last ? statement.items.map((item, i) => ({ variable: (item as { variable: string }).variable, value: last.values[i]! })) : [],
    };
  }

  const columns = shape.map((c, i): Column => {
    const values = produced.map((r) => r.values[i]!);
    const probe = probes[i];
    return { name: c.name, sqlType: columnType(probe ? [...values, probe] : values, c.type), nullable: c.nullable };
  });
  return { columns, rows: produced.map((r) => r.values.map((v, i) => conform(v, columns[i]!.sqlType))) };
}

/** The statement-level entry point: SELECT … or SELECT @v = …. */
export function evaluateSelect(statement: SelectStatement, catalog: SqlCatalog): SelectResult {
  return runSelect(statement, catalog);
}

// ------------------------------------------------------------------------------------------------
// FROM

interface BoundSource {
  source: Source;
  rows: SqlValue[][];
  /** On the padded side of an outer join: its columns may be NULL whatever they declare. */
  padded: boolean;
  /** A table-valued function's call: its leading columns equal to the arguments. */
  argsMatch?: Expr;
}

function argumentsMatch(ref: TableRef, columns: Column[], exposed: string): Expr | undefined {
  if (!ref.args) return undefined;
  if (ref.args.length > columns.length)
    throw new SqlError(
      216,
      `Parameters supplied for object '${ref.name.join('.')}' which is not a function. If the parameters are intended as a table hint, a WITH keyword is required.`,
    );
  return ref.args
    .map((arg, k): Expr => ({ kind: 'comparison', op: '=', left: { kind: 'column', parts: [exposed, columns[k]!.name] }, right: arg }))
    .reduce((left, right) => ({ kind: 'and', left, right }));
}

function bindSources(statement: SelectStatement, catalog: SqlCatalog): BoundSource[] {
  if (!statement.from) return [];
  const refs = [statement.from, ...statement.joins.map((j) => j.table)];
  const bound = refs.map((ref): BoundSource => {
    const fn = ref.args ? catalog.tableFunction?.(ref.name) : undefined;
    if (fn && ref.args) {
      const values = ref.args.map((arg): Typed => evaluate(arg, { catalog, sources: [], row: [] }));
      const result = fn(values);
      return {
        source: { table: ref.name, columns: result.columns, ...(ref.alias !== undefined ? { alias: ref.alias } : {}) },
        rows: result.rows,
        padded: false,
      };
    }
    const relation = catalog.table(ref.name);
    if (!relation) throw new SqlError(208, `Invalid object name '${ref.name.join('.')}'.`);
    const source: Source = { table: ref.name, columns: relation.columns, ...(ref.alias !== undefined ? { alias: ref.alias } : {}) };
    const argsMatch = argumentsMatch(ref, relation.columns, ref.alias ?? ref.name.at(-1)!);
    return { source, rows: relation.rows, padded: false, ...(argsMatch ? { argsMatch } : {}) };
  });
  const exposed = bound.map((b) => (b.source.alias ?? b.source.table.at(-1)!).toLowerCase());
  exposed.forEach((name, i) => {
    const first = exposed.indexOf(name);
    if (first !== i) {
      throw new SqlError(
        1013,
        `The objects "${refs[first]!.name.join('.')}" and "${refs[i]!.name.join('.')}" in the FROM clause have identical exposed names. Use correlation names to distinguish them.`,
      );
    }
  });
  statement.joins.forEach((join, i) => {
    if (join.type === 'LEFT' || join.type === 'FULL') bound[i + 1]!.padded = true;
    if (join.type === 'RIGHT' || join.type === 'FULL') for (let k = 0; k <= i; k++) bound[k]!.padded = true;
  });
  return bound;
}

type Row = (SqlValue[] | null)[];

function joinRows(statement: SelectStatement, sources: BoundSource[], base: RowEnv): Row[] {
  if (sources.length === 0) return [[]];
  const first = sources[0]!;
  const firstEnv = { ...base, sources: base.sources.slice(0, 1) };
  let rows: Row[] = first.rows.filter((r) => !first.argsMatch || truth(first.argsMatch, { ...firstEnv, row: [r] }) === true).map((r) => [r]);
  statement.joins.forEach((join, i) => {
    const right = sources[i + 1]!.rows;
    const argsMatch = sources[i + 1]!.argsMatch;
    const env = { ...base, sources: base.sources.slice(0, i + 2) };
    const holds = (condition: Expr | undefined, row: Row) => !condition || truth(condition, { ...env, row }) === true;
    const matches = (left: Row, r: SqlValue[]) => holds(argsMatch, [...left, r]) && holds(join.on, [...left, r]);
    const next: Row[] = [];
    const rightMatched = new Set<number>();
    for (const left of rows) {
      let matched = false;
      right.forEach((r, k) => {
        if (matches(left, r)) {
          next.push([...left, r]);
          matched = true;
          rightMatched.add(k);
        }
      });
      if (!matched && (join.type === 'LEFT' || join.type === 'FULL')) next.push([...left, null]);
    }
    if (join.type === 'RIGHT' || join.type === 'FULL') {
      right.forEach((r, k) => {
        if (!rightMatched.has(k)) next.push([...Array.from({ length: i + 1 }, () => null), r]);
      });
    }
    rows = next;
  });
  return rows;
}

// ------------------------------------------------------------------------------------------------
// Grouping

function itemExpr(item: SelectItem): Expr | undefined {
  return item.kind === 'star' ? undefined : item.expr;
}

function containsAggregate(expr: Expr): boolean {
  return isAggregate(expr) || children(expr).some(containsAggregate);
}

const fingerprint = (e: Expr) => JSON.stringify(e).toLowerCase();

/** Msg 8120: outside aggregates, only GROUP BY expressions may be used. */
function checkGrouping(statement: SelectStatement): void {
  const keys = new Set(statement.groupBy.map(fingerprint));
  const check = (e: Expr): void => {
    if (keys.has(fingerprint(e)) || isAggregate(e)) return;
    if (e.kind === 'column') {
      throw new SqlError(
        8120,
        `Column '${e.parts.join('.')}' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.`,
      );
    }
    children(e).forEach(check);
  };
  for (const item of statement.items) {
    if (item.kind === 'star')
      throw new SqlError(8120, "Column '*' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.");
    check(item.expr);
  }
  if (statement.having) check(statement.having);
}

function groups(statement: SelectStatement, rows: Row[], base: RowEnv, nullRow: Row): RowEnv[] {
  if (statement.groupBy.length === 0) return [{ ...base, row: rows[0] ?? nullRow, group: rows }];
  const byKey = new Map<string, Row[]>();
  for (const row of rows) {
    const key = JSON.stringify(statement.groupBy.map((e) => groupKey(evaluate(e, { ...base, row }))));
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  return [...byKey.values()].map((group) => ({ ...base, row: group[0]!, group }));
}

function groupKey(v: Val): string | null {
  if (v.value === null) return null;
  if (typeof v.value === 'string') return v.value.replace(/ +$/, '').toUpperCase();
  if (Buffer.isBuffer(v.value)) return v.value.toString('hex');
  if (v.value instanceof Date) return v.value.toISOString();
  return String(v.value);
}

/** Binding errors (unknown columns, functions, variables) are raised even when no row qualifies. */
const COMPILE_ERRORS = new Set([207, 209, 4104, 195, 137, 4121, 174, 189, 243, 8120, 147, 116, 155, 4145]);

function probe(statement: SelectStatement, env: RowEnv): void {
  const exprs = [...statement.items.map(itemExpr), statement.where, statement.having, ...statement.orderBy.map((o) => o.expr)];
  for (const e of exprs) {
    if (!e) continue;
    try {
      if (e === statement.where || e === statement.having) truth(e, e === statement.where ? { ...env, group: undefined } : env);
      else if (!isOrdinalOrAlias(e, statement)) evaluate(e, env);
    } catch (error) {
      if (!(error instanceof SqlError) || COMPILE_ERRORS.has(error.number)) throw error;
    }
  }
}

function quietly(evaluateIt: () => Val): Val | undefined {
  try {
    return evaluateIt();
  } catch (error) {
    if (error instanceof SqlError) return undefined;
    throw error;
  }
}

function isOrdinalOrAlias(e: Expr, statement: SelectStatement): boolean {
  if (!statement.orderBy.some((o) => o.expr === e)) return false;
  return (e.kind === 'number' && e.integer) || (e.kind === 'column' && e.parts.length === 1 && hasAlias(statement, e.parts[0]!));
}

// ------------------------------------------------------------------------------------------------
// Projection

interface OutputColumn {
  name: string;
  /** The alias written in the select list (ORDER BY may name it). */
  alias?: string;
  /** Declared type when the column comes straight from a source; else inferred from the values. */
  type?: SqlType;
  nullable: boolean;
  value(env: RowEnv): Val;
}

function outputShape(statement: SelectStatement, sources: BoundSource[]): OutputColumn[] {
  return statement.items.flatMap((item): OutputColumn[] => {
    if (item.kind === 'star') return starColumns(item.qualifier, sources);
    const expr = item.expr;
    const name = item.kind === 'assign' ? item.variable : (item.alias ?? (expr.kind === 'column' ? expr.parts.at(-1)! : ''));
    let nullable = true;
    if (expr.kind === 'column') {
      const found = findSourceColumn(expr.parts, sources);
      if (found) nullable = found.column.nullable || found.padded;
    }
    const alias = item.kind === 'expr' ? item.alias : undefined;
    return [{ name, nullable, value: (env) => evaluate(expr, env), ...(alias !== undefined ? { alias } : {}) }];
  });
}

function findSourceColumn(parts: string[], sources: BoundSource[]): { column: Column; padded: boolean } | undefined {
  const name = parts.at(-1)!.toLowerCase();
  for (const s of sources) {
    if (parts.length > 1 && !matchesQualifier(s.source, parts.slice(0, -1))) continue;
    const column = s.source.columns.find((c) => c.name.toLowerCase() === name);
    if (column) return { column, padded: s.padded };
  }
  return undefined;
}

function starColumns(qualifier: string[] | undefined, sources: BoundSource[]): OutputColumn[] {
  if (sources.length === 0) throw new SqlError(263, 'Must specify table to select from.');
  const chosen = sources.map((s, index) => ({ s, index })).filter(({ s }) => !qualifier || matchesQualifier(s.source, qualifier));
  if (qualifier && chosen.length === 0) throw new SqlError(4104, `The multi-part identifier "${qualifier.join('.')}" could not be bound.`);
  return chosen.flatMap(({ s, index }) =>
    s.source.columns.map(
      (column, k): OutputColumn => ({
        name: column.name,
        type: column.sqlType,
        nullable: column.nullable || s.padded,
        value: (env) => ({ value: env.row[index]?.[k] ?? null, type: column.sqlType }),
      }),
    ),
  );
}

function columnType(values: Val[], declared: SqlType | undefined): SqlType {
  if (declared) return declared;
  const typed = values.filter((v) => !v.untyped);
  if (typed.length === 0) return values[0]?.type ?? INT;
  return typed.map((v) => v.type).reduce(widen);
}

function conform(v: Val, type: SqlType): SqlValue {
  if (v.value === null) return null;
  if (v.type.type === type.type && ('length' in type ? true : JSON.stringify(v.type) === JSON.stringify(type))) return v.value;
  return convert(v, type);
}

function sameRow(a: Val[], b: Val[]): boolean {
  return a.every((v, i) => {
    const w = b[i]!;
    if (v.value === null || w.value === null) return v.value === w.value;
    return compare(v, w) === 0;
  });
}

// ------------------------------------------------------------------------------------------------
// ORDER BY

function hasAlias(statement: SelectStatement, name: string): boolean {
  return statement.items.some((item) => item.kind === 'expr' && item.alias !== undefined && item.alias.toLowerCase() === name.toLowerCase());
}

function order(statement: SelectStatement, produced: { env: RowEnv; values: Val[] }[], shape: OutputColumn[]) {
  const keyOf = (expr: Expr, r: { env: RowEnv; values: Val[] }): Val => {
    if (expr.kind === 'number' && expr.integer) {
      if (expr.value < 1 || expr.value > shape.length) {
        throw new SqlError(108, `The ORDER BY position number ${expr.value} is out of range of the number of items in the select list.`, { class: 15 });
      }
      return r.values[expr.value - 1]!;
    }
    if (expr.kind === 'column' && expr.parts.length === 1) {
      const name = expr.parts[0]!.toLowerCase();
      const i = shape.findIndex((c) => c.alias?.toLowerCase() === name);
      if (i >= 0) return r.values[i]!;
    }
    return evaluate(expr, r.env);
  };
  const keyed = produced.map((r) => ({ r, keys: statement.orderBy.map((o) => keyOf(o.expr, r)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < statement.orderBy.length; i++) {
      const a = x.keys[i]!;
      const b = y.keys[i]!;
      // NULL sorts first ascending, as in SQL Server.
      const c = a.value === null ? (b.value === null ? 0 : -1) : b.value === null ? 1 : compare(a, b)!;
      if (c !== 0) return statement.orderBy[i]!.descending ? -c : c;
    }
    return 0;
  });
  return keyed.map((k) => k.r);
}
