// Evaluating expressions and search conditions against one row (or one group of rows), with
// SQL Server's NULL semantics: comparisons with NULL are unknown, and unknown is not true.

import { SqlError } from '../errors.js';
import type { Column, SqlType, SqlValue } from '../tds/handler.js';
import type { Expr, SelectStatement } from './ast.js';
import type { SqlCatalog, Typed } from './catalog.js';
import { compare, like } from './compare.js';
import { convert, toText } from './convert.js';
import { AGGREGATES, builtin } from './functions.js';
import { runSelect } from './select.js';
import {
  BIGINT,
  FLOAT,
  INT,
  isBinary,
  isCharacter,
  isDateTime,
  isExactDecimal,
  isInteger,
  isUnicode,
  lengthOf,
  numeric,
  nvarchar,
  sqlTypeOf,
  typeName,
  varbinary,
  varchar,
  widen,
} from './types.js';

/** A value with its type; `untyped` marks a bare NULL literal, which takes the type of its company. */
export type Val = Typed & { untyped?: boolean };

/** One FROM source as the names in expressions see it. */
export interface Source {
  /** The alias, or the table's name parts as written. */
  alias?: string;
  table: string[];
  columns: Column[];
}

export interface RowEnv {
  catalog: SqlCatalog;
  sources: Source[];
  /** Per source: its current row, or null (the padded side of an outer join / no FROM). */
  row: (SqlValue[] | null)[];
  /** When aggregating: the rows of the current group. */
  group?: (SqlValue[] | null)[][];
  /** The enclosing query's row, for correlated subqueries. */
  outer?: RowEnv;
}

const NULL_INT: Val = { value: null, type: INT, untyped: true };

export function evaluate(expr: Expr, env: RowEnv): Val {
  switch (expr.kind) {
    case 'string':
      return { value: expr.value, type: expr.unicode ? nvarchar(expr.value.length) : varchar(expr.value.length) };
    case 'number':
      return { value: expr.value, type: numberType(expr.value, expr.integer, expr.scale) };
    case 'binary':
      return { value: expr.value, type: varbinary(expr.value.length) };
    case 'null':
      return NULL_INT;
    case 'keyword':
      return { value: expr.word, type: varchar(expr.word.length) };
    case 'column':
      return column(expr.parts, env);
    case 'variable': {
      const v = env.catalog.variable(expr.name);
      if (!v) throw new SqlError(137, `Must declare the scalar variable "${expr.name}".`, { class: 15 });
      return v;
    }
    case 'unary':
      return unary(expr.op, evaluate(expr.operand, env));
    case 'arithmetic':
      return arithmetic(expr.op, evaluate(expr.left, env), evaluate(expr.right, env));
    case 'case':
      return caseExpression(expr, env);
    case 'cast':
    case 'convert': {
      const operand = evaluate(expr.operand, env);
      const type = sqlTypeOf(expr.type, 30);
      const style = expr.kind === 'convert' && expr.style ? evaluate(expr.style, env) : undefined;
      const styleNumber = style && style.value !== null ? (convert(style, INT) as number) : undefined;
      return { value: convert(operand, type, styleNumber), type };
    }
    case 'call':
      return call(expr, env);
    case 'subquery':
      return scalarSubquery(expr.query, env);
    default:
      throw new SqlError(4145, 'An expression of non-boolean type specified in a context where a condition is expected.', { class: 15 });
  }
}

function numberType(value: number, integer: boolean, scale: number | undefined): SqlType {
  if (integer) {
    if (Math.abs(value) <= 2147483647) return INT;
    return numeric(String(Math.abs(value)).length, 0);
  }
  if (scale === undefined) return FLOAT;
  const whole = String(Math.trunc(Math.abs(value))).replace(/^0+/, '').length;
  return numeric(Math.max(whole + scale, 1), scale);
}

// ------------------------------------------------------------------------------------------------
// Column references

interface Resolved {
  env: RowEnv;
  source: number;
  column: number;
}

/** Where each column reference (its `parts` array in the AST) points, for the FROM clause (its
 * Source[]) it was last resolved in: names are looked up once per query run, not once per row. */
const bindings = new WeakMap<string[], { sources: Source[]; depth: number; source: number; column: number }>();

function resolveColumn(parts: string[], env: RowEnv): Resolved {
  let binding = bindings.get(parts);
  if (!binding || binding.sources !== env.sources) {
    binding = { sources: env.sources, ...lookup(parts, env) };
    bindings.set(parts, binding);
  }
  let scope = env;
  for (let i = 0; i < binding.depth; i++) scope = scope.outer!;
  return { env: scope, source: binding.source, column: binding.column };
}

/** 207 unknown column, 209 ambiguous, 4104 unknown qualifier; inner scopes first, then outer. */
function lookup(parts: string[], env: RowEnv): { depth: number; source: number; column: number } {
  const name = parts[parts.length - 1]!.toLowerCase();
  const qualifier = parts.slice(0, -1);
  let depth = 0;
  for (let scope: RowEnv | undefined = env; scope; scope = scope.outer, depth++) {
    let found: { depth: number; source: number; column: number } | undefined;
    let qualifierMatched = false;
    for (let source = 0; source < scope.sources.length; source++) {
      const s = scope.sources[source]!;
      if (qualifier.length > 0 && !matchesQualifier(s, qualifier)) continue;
      qualifierMatched = true;
      const column = s.columns.findIndex((c) => c.name.toLowerCase() === name);
      if (column < 0) continue;
      if (found) throw new SqlError(209, `Ambiguous column name '${parts[parts.length - 1]}'.`);
      found = { depth, source, column };
    }
    if (found) return found;
    if (qualifier.length > 0 && qualifierMatched) throw new SqlError(207, `Invalid column name '${parts[parts.length - 1]}'.`);
  }
  if (qualifier.length > 0) throw new SqlError(4104, `The multi-part identifier "${parts.join('.')}" could not be bound.`);
  throw new SqlError(207, `Invalid column name '${parts[parts.length - 1]}'.`);
}

/** `d.name` matches the source aliased d, or (unaliased) the table whose name ends with the qualifier. */
export function matchesQualifier(source: Source, qualifier: string[]): boolean {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (source.alias !== undefined) return qualifier.length === 1 && eq(source.alias, qualifier[0]!);
  if (qualifier.length > source.table.length) return false;
  const tail = source.table.slice(source.table.length - qualifier.length);
  return tail.every((part, i) => eq(part, qualifier[i]!));
}

function column(parts: string[], env: RowEnv): Val {
  const r = resolveColumn(parts, env);
  const def = r.env.sources[r.source]!.columns[r.column]!;
  const row = r.env.row[r.source];
  return { value: row ? (row[r.column] ?? null) : null, type: def.sqlType };
}

// ------------------------------------------------------------------------------------------------
// Operators

function unary(op: '-' | '+' | '~', v: Val): Val {
  if (op === '+') return v;
  if (isCharacter(v.type) || isBinary(v.type) || isDateTime(v.type) || v.type.type === 'uniqueidentifier') {
    throw new SqlError(8116, `Argument data type ${typeName(v.type)} is invalid for argument 1 of ${op === '-' ? 'negative' : 'bitwise not'} function.`);
  }
  if (v.value === null) return v;
  const n = Number(v.value);
  return { value: op === '-' ? -n : ~n, type: v.type.type === 'bit' ? INT : v.type };
}

const OPERATOR_NAMES = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '%': 'modulo' } as const;

export function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: Val, b: Val): Val {
  if (op === '+' && isCharacter(a.type) && isCharacter(b.type)) return concatenate(a, b);
  if (op === '+' && isBinary(a.type) && isBinary(b.type)) {
    const type = varbinary(lengthOf(a.type) === -1 || lengthOf(b.type) === -1 ? 9000 : lengthOf(a.type) + lengthOf(b.type));
    return { value: a.value === null || b.value === null ? null : Buffer.concat([a.value as Buffer, b.value as Buffer]), type };
  }
  if (isDateTime(a.type) || isDateTime(b.type)) return dateArithmetic(op, a, b);
  const invalid = [a, b].find((v) => !v.untyped && (isBinary(v.type) || v.type.type === 'uniqueidentifier' || (v.type.type === 'bit' && op !== '+')));
  if (invalid) throw new SqlError(8117, `Operand data type ${typeName(invalid.type)} is invalid for ${OPERATOR_NAMES[op]} operator.`);
  const common = resultType(a, b);
  const type = isExactDecimal(common) ? decimalResult(op, exactShape(a.type), exactShape(b.type)) : common;
  if (a.value === null || b.value === null) return { value: null, type };
  const x = Number(convert(a, type));
  const y = Number(convert(b, type));
  let value: number;
  switch (op) {
    case '+':
      value = x + y;
      break;
    case '-':
      value = x - y;
      break;
    case '*':
      value = x * y;
      break;
    case '/':
      if (y === 0) throw new SqlError(8134, 'Divide by zero error encountered.');
      value = isInteger(type) ? Math.trunc(x / y) : x / y;
      break;
    case '%':
      if (y === 0) throw new SqlError(8134, 'Divide by zero error encountered.');
      value = x % y;
      break;
  }
  if (isExactDecimal(type)) value = convert({ value, type: FLOAT }, type) as number;
  if (isInteger(type)) {
    const limit = type.type === 'bigint' ? Number.MAX_SAFE_INTEGER : 2147483647;
    if (value > limit || value < -limit - 1) throw new SqlError(8115, `Arithmetic overflow error converting expression to data type ${typeName(type)}.`);
  }
  return { value, type };
}

function resultType(a: Val, b: Val): SqlType {
  if (a.untyped && b.untyped) return INT;
  if (a.untyped) return numericOperand(b.type);
  if (b.untyped) return numericOperand(a.type);
  const type = widen(numericOperand(a.type), numericOperand(b.type));
  return type.type === 'bit' ? INT : type;
}

/** Precision and scale of an operand taking part in decimal arithmetic. */
function exactShape(t: SqlType): { p: number; s: number } {
  if ('precision' in t) return { p: t.precision, s: t.scale };
  return { p: { bigint: 19, int: 10, smallint: 5, tinyint: 3, bit: 1 }[t.type as 'int'] ?? 10, s: 0 };
}

/** SQL Server's result precision and scale for decimal + - * / %. */
function decimalResult(op: '+' | '-' | '*' | '/' | '%', a: { p: number; s: number }, b: { p: number; s: number }): SqlType {
  let p: number;
  let s: number;
  if (op === '+' || op === '-') {
    s = Math.max(a.s, b.s);
    p = Math.max(a.p - a.s, b.p - b.s) + s + 1;
  } else if (op === '*') {
    p = a.p + b.p + 1;
    s = a.s + b.s;
  } else if (op === '/') {
    s = Math.max(6, a.s + b.p + 1);
    p = a.p - a.s + b.s + s;
  } else {
    s = Math.max(a.s, b.s);
    p = Math.min(a.p - a.s, b.p - b.s) + s;
  }
  if (p > 38) {
    s = Math.max(Math.min(s, 6), s - (p - 38));
    p = 38;
  }
  return numeric(p, s);
}

/** Strings take part in arithmetic by converting to the other side's type; alone they are int-ish. */
function numericOperand(t: SqlType): SqlType {
  if (isCharacter(t)) return INT;
  return t;
}

function concatenate(a: Val, b: Val): Val {
  const unicode = isUnicode(a.type) || isUnicode(b.type);
  const la = lengthOf(a.type);
  const lb = lengthOf(b.type);
  const length = la === -1 || lb === -1 ? -1 : la + lb;
  const type: SqlType = unicode
    ? length === -1 || length > 4000
      ? { type: 'nvarchar', length: length === -1 ? -1 : 4000 }
      : nvarchar(length)
    : length === -1 || length > 8000
      ? { type: 'varchar', length: length === -1 ? -1 : 8000 }
      : varchar(length);
  if (a.value === null || b.value === null) return { value: null, type };
  return { value: toText(a) + toText(b), type };
}

function dateArithmetic(op: string, a: Val, b: Val): Val {
  const dateSide = isDateTime(a.type) ? a : b;
  const type = dateSide.type;
  if (op !== '+' && op !== '-') throw new SqlError(8117, `Operand data type ${typeName(type)} is invalid for ${OPERATOR_NAMES[op as '*']} operator.`);
  if (a.value === null || b.value === null) return { value: null, type };
  const days = (v: Val) => (v.value instanceof Date ? (v.value.getTime() - Date.UTC(1900, 0, 1)) / 86_400_000 : Number(convert(v, FLOAT)));
  const total = op === '+' ? days(a) + days(b) : days(a) - days(b);
  return { value: new Date(Date.UTC(1900, 0, 1) + Math.round(total * 86_400_000)), type };
}

// ------------------------------------------------------------------------------------------------
// CASE, functions, aggregates, subqueries

function caseExpression(expr: Extract<Expr, { kind: 'case' }>, env: RowEnv): Val {
  const branches = [...expr.whens.map((w) => w.then), ...(expr.else ? [expr.else] : [])];
  let chosen: Expr | undefined = expr.else;
  const operand = expr.operand ? evaluate(expr.operand, env) : undefined;
  for (const w of expr.whens) {
    const hit = operand ? compare(operand, evaluate(w.when, env)) === 0 : truth(w.when, env) === true;
    if (hit) {
      chosen = w.then;
      break;
    }
  }
  // The result type is the highest of all branches, taken or not.
  const types = branches.map((b) => (b === chosen ? undefined : typeOfQuietly(b, env))).filter((t): t is Val => t !== undefined && !t.untyped);
  const value: Val = chosen ? evaluate(chosen, env) : NULL_INT;
  const all = value.untyped ? types : [value, ...types];
  if (all.length === 0) return value;
  const type = all.map((v) => v.type).reduce(widen);
  return { value: convert(value, type), type };
}

/** The type of an expression not taken (a CASE branch): errors of its value do not count. */
function typeOfQuietly(expr: Expr, env: RowEnv): Val | undefined {
  try {
    return evaluate(expr, env);
  } catch (error) {
    if (error instanceof SqlError) return undefined;
    throw error;
  }
}

function call(expr: Extract<Expr, { kind: 'call' }>, env: RowEnv): Val {
  const name = expr.name.toUpperCase();
  if (expr.schema.length > 0) {
    throw new SqlError(
      4121,
      `Cannot find either column "${expr.schema.at(-1)}" or the user-defined function or aggregate "${[...expr.schema, expr.name].join('.')}", or the name is ambiguous.`,
    );
  }
  if (AGGREGATES.has(name)) return aggregate(name, expr, env);
  const args = expr.args.map((a) => evaluate(a, env));
  const hosted = env.catalog.scalarFunction(name, args);
  if (hosted) return hosted;
  const fn = builtin(name);
  if (!fn) throw new SqlError(195, `'${expr.name}' is not a recognized built-in function name.`, { class: 15 });
  return fn(args, env.catalog, name);
}

export function isAggregate(expr: Expr): boolean {
  return expr.kind === 'call' && expr.schema.length === 0 && AGGREGATES.has(expr.name.toUpperCase());
}

function aggregate(name: string, expr: Extract<Expr, { kind: 'call' }>, env: RowEnv): Val {
  if (!env.group) {
    throw new SqlError(
      147,
      'An aggregate may not appear in the WHERE clause unless it is in a subquery contained in a HAVING clause or a select list, and the column being aggregated is an outer reference.',
    );
  }
  if (expr.star) {
    if (name !== 'COUNT' && name !== 'COUNT_BIG') throw new SqlError(102, "Incorrect syntax near '*'.", { class: 15 });
    return { value: env.group.length, type: name === 'COUNT' ? INT : BIGINT };
  }
  if (expr.args.length !== 1) throw new SqlError(174, `The ${name.toLowerCase()} function requires 1 argument(s).`, { class: 15 });
  const arg = expr.args[0]!;
  const perRow = env.group.map((row) => evaluate(arg, { ...env, row, group: undefined }));
  const probe = evaluate(arg, { ...env, row: env.sources.map(() => null), group: undefined });
  let values = perRow.filter((v) => v.value !== null);
  if (expr.distinct) values = values.filter((v, i) => values.findIndex((w) => compare(v, w) === 0) === i);
  switch (name) {
    case 'COUNT':
      return { value: values.length, type: INT };
    case 'COUNT_BIG':
      return { value: values.length, type: BIGINT };
    case 'MIN':
    case 'MAX': {
      const want = name === 'MIN' ? -1 : 1;
      const best = values.reduce<Val | undefined>((acc, v) => (acc === undefined || compare(v, acc) === want ? v : acc), undefined);
      return { value: best?.value ?? null, type: probe.type };
    }
    case 'SUM':
    case 'AVG': {
      if (isCharacter(probe.type) || isBinary(probe.type) || isDateTime(probe.type) || probe.type.type === 'bit') {
        throw new SqlError(8117, `Operand data type ${typeName(probe.type)} is invalid for ${name.toLowerCase()} operator.`);
      }
      const type = isInteger(probe.type)
        ? probe.type.type === 'bigint'
          ? BIGINT
          : INT
        : isExactDecimal(probe.type)
          ? numeric(38, name === 'AVG' ? Math.max((probe.type as { scale: number }).scale, 6) : (probe.type as { scale: number }).scale)
          : FLOAT;
      if (values.length === 0) return { value: null, type };
      const sum = values.reduce((acc, v) => acc + Number(v.value), 0);
      const value = name === 'SUM' ? sum : isInteger(type) ? Math.trunc(sum / values.length) : sum / values.length;
      if (type === INT && Math.abs(value) > 2147483647) throw new SqlError(8115, 'Arithmetic overflow error converting expression to data type int.');
      return { value, type };
    }
  }
  throw new SqlError(195, `'${expr.name}' is not a recognized built-in function name.`, { class: 15 });
}

function subqueryRows(query: SelectStatement, env: RowEnv) {
  return runSelect(query, env.catalog, env);
}

function scalarSubquery(query: SelectStatement, env: RowEnv): Val {
  const result = subqueryRows(query, env);
  if (result.columns.length !== 1) {
    throw new SqlError(116, 'Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.');
  }
  if (result.rows.length > 1) {
    throw new SqlError(
      512,
      'Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, >= or when the subquery is used as an expression.',
    );
  }
  return { value: result.rows[0]?.[0] ?? null, type: result.columns[0]!.sqlType };
}

// ------------------------------------------------------------------------------------------------
// Conditions: true, false or unknown (null)

export function truth(expr: Expr, env: RowEnv): boolean | null {
  switch (expr.kind) {
    case 'and': {
      const a = truth(expr.left, env);
      if (a === false) return false;
      const b = truth(expr.right, env);
      if (b === false) return false;
      return a === null || b === null ? null : true;
    }
    case 'or': {
      const a = truth(expr.left, env);
      if (a === true) return true;
      const b = truth(expr.right, env);
      if (b === true) return true;
      return a === null || b === null ? null : false;
    }
    case 'not': {
      const a = truth(expr.operand, env);
      return a === null ? null : !a;
    }
    case 'comparison': {
      const c = compare(evaluate(expr.left, env), evaluate(expr.right, env));
      if (c === null) return null;
      switch (expr.op) {
        case '=':
          return c === 0;
        case '<>':
          return c !== 0;
        case '<':
          return c < 0;
        case '>':
          return c > 0;
        case '<=':
          return c <= 0;
        case '>=':
          return c >= 0;
      }
      break;
    }
    case 'isNull': {
      const isNull = evaluate(expr.operand, env).value === null;
      return expr.negated ? !isNull : isNull;
    }
    case 'in':
      return negate(
        memberOf(
          evaluate(expr.operand, env),
          expr.list.map((e) => evaluate(e, env)),
        ),
        expr.negated,
      );
    case 'inSelect': {
      const result = subqueryRows(expr.query, env);
      if (result.columns.length !== 1) {
        throw new SqlError(116, 'Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.');
      }
      const type = result.columns[0]!.sqlType;
      return negate(
        memberOf(
          evaluate(expr.operand, env),
          result.rows.map((r) => ({ value: r[0] ?? null, type })),
        ),
        expr.negated,
      );
    }
    case 'like': {
      const operand = evaluate(expr.operand, env);
      const pattern = evaluate(expr.pattern, env);
      const escape = expr.escape ? evaluate(expr.escape, env) : undefined;
      if (operand.value === null || pattern.value === null || escape?.value === null) return null;
      const escapeText = escape ? toText(escape) : undefined;
      if (escapeText !== undefined && escapeText.length !== 1)
        throw new SqlError(506, `The invalid escape character "${escapeText}" was specified in a LIKE predicate.`);
      return negate(like(toText(operand), toText(pattern), escapeText), expr.negated);
    }
    case 'between': {
      const operand = evaluate(expr.operand, env);
      const low = compare(operand, evaluate(expr.low, env));
      const high = compare(operand, evaluate(expr.high, env));
      const lowOk = low === null ? null : low >= 0;
      const highOk = high === null ? null : high <= 0;
      const both = lowOk === false || highOk === false ? false : lowOk === null || highOk === null ? null : true;
      return negate(both, expr.negated);
    }
    case 'exists':
      return subqueryRows(expr.query, env).rows.length > 0;
    default:
      throw new SqlError(4145, 'An expression of non-boolean type specified in a context where a condition is expected.', { class: 15 });
  }
  return null;
}

function negate(value: boolean | null, negated: boolean): boolean | null {
  return value === null || !negated ? value : !value;
}

/** x IN (a, b, …): true on a match; unknown when there is none but some comparison was unknown. */
function memberOf(operand: Val, list: Val[]): boolean | null {
  let unknown = false;
  for (const item of list) {
    const c = compare(operand, item);
    if (c === 0) return true;
    if (c === null) unknown = true;
  }
  return unknown ? null : false;
}

/** Any subexpression of `expr` (for walks such as the GROUP BY check). */
export function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'unary':
    case 'not':
    case 'isNull':
      return [expr.operand];
    case 'arithmetic':
    case 'comparison':
    case 'and':
    case 'or':
      return [expr.left, expr.right];
    case 'in':
      return [expr.operand, ...expr.list];
    case 'inSelect':
      return [expr.operand];
    case 'like':
      return [expr.operand, expr.pattern, ...(expr.escape ? [expr.escape] : [])];
    case 'between':
      return [expr.operand, expr.low, expr.high];
    case 'case':
      return [...(expr.operand ? [expr.operand] : []), ...expr.whens.flatMap((w) => [w.when, w.then]), ...(expr.else ? [expr.else] : [])];
    case 'cast':
      return [expr.operand];
    case 'convert':
      return [expr.operand, ...(expr.style ? [expr.style] : [])];
    case 'call':
      return expr.args;
    default:
      return [];
  }
}
