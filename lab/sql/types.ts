// SQL types as the evaluator reasons about them: declared types (CAST, DECLARE) → SqlType, the
// type of a literal, and data type precedence (which side of a comparison is converted).

import type { DataType } from './ast.js';
import type { SqlType } from '../tds/handler.js';
import { SqlError } from '../errors.js';

export const INT: SqlType = { type: 'int' };
export const BIGINT: SqlType = { type: 'bigint' };
export const BIT: SqlType = { type: 'bit' };
export const FLOAT: SqlType = { type: 'float' };
export const DATETIME: SqlType = { type: 'datetime' };
export const varchar = (length: number): SqlType => ({ type: 'varchar', length: length > 8000 ? -1 : Math.max(length, 1) });
export const nvarchar = (length: number): SqlType => ({ type: 'nvarchar', length: length > 4000 ? -1 : Math.max(length, 1) });
export const varbinary = (length: number): SqlType => ({ type: 'varbinary', length: length > 8000 ? -1 : Math.max(length, 1) });
export const numeric = (precision: number, scale: number): SqlType => ({ type: 'numeric', precision: Math.min(Math.max(precision, 1), 38), scale });

/** Highest first (SQL Server's data type precedence, for the types the lab has). */
const PRECEDENCE: SqlType['type'][] = [
  'datetimeoffset',
  'datetime2',
  'datetime',
  'float',
  'real',
  'decimal',
  'numeric',
  'bigint',
  'int',
  'smallint',
  'tinyint',
  'bit',
  'uniqueidentifier',
  'nvarchar',
  'nchar',
  'varchar',
  'char',
  'varbinary',
  'binary',
];

export function precedence(type: SqlType): number {
  return PRECEDENCE.length - PRECEDENCE.indexOf(type.type);
}

export const isCharacter = (t: SqlType) => t.type === 'varchar' || t.type === 'nvarchar' || t.type === 'char' || t.type === 'nchar';
export const isUnicode = (t: SqlType) => t.type === 'nvarchar' || t.type === 'nchar';
export const isBinary = (t: SqlType) => t.type === 'varbinary' || t.type === 'binary';
export const isInteger = (t: SqlType) => t.type === 'int' || t.type === 'bigint' || t.type === 'smallint' || t.type === 'tinyint';
export const isExactDecimal = (t: SqlType) => t.type === 'decimal' || t.type === 'numeric';
export const isDateTime = (t: SqlType) => t.type === 'datetime' || t.type === 'datetime2' || t.type === 'datetimeoffset';

/** Length in characters or bytes; -1 for MAX; 0 when the type has none. */
export function lengthOf(t: SqlType): number {
  return 'length' in t ? t.length : 0;
}

/** The name SQL Server uses in messages: int, varchar, nvarchar … */
export function typeName(t: SqlType): string {
  return t.type;
}

/** A declared type (CAST target, DECLARE): nvarchar without a length is 30 in CAST/CONVERT and 1
 * in DECLARE — the caller says which. */
export function sqlTypeOf(declared: DataType, defaultLength: 1 | 30 = 30): SqlType {
  const [p0, p1] = declared.params;
  const length = (fallback: number) => (p0 === 'max' ? -1 : (p0 ?? fallback));
  switch (declared.name) {
    case 'int':
    case 'integer':
      return INT;
    case 'bigint':
      return BIGINT;
    case 'smallint':
      return { type: 'smallint' };
    case 'tinyint':
      return { type: 'tinyint' };
    case 'bit':
      return BIT;
    case 'float':
      return FLOAT;
    case 'real':
      return { type: 'real' };
    case 'datetime':
    case 'smalldatetime':
    case 'date':
      return DATETIME;
    case 'datetime2':
      return { type: 'datetime2', scale: typeof p0 === 'number' ? p0 : 7 };
    case 'datetimeoffset':
      return { type: 'datetimeoffset', scale: typeof p0 === 'number' ? p0 : 7 };
    case 'uniqueidentifier':
      return { type: 'uniqueidentifier' };
    case 'decimal':
    case 'numeric':
    case 'money':
    case 'smallmoney': {
      if (declared.name.endsWith('money')) return { type: 'decimal', precision: 19, scale: 4 };
      const precision = typeof p0 === 'number' ? p0 : 18;
      const scale = typeof p1 === 'number' ? p1 : 0;
      if (precision < 1 || precision > 38 || scale > precision)
        throw new SqlError(2750, `Column or parameter #0: Specified column precision ${precision} is greater than the maximum precision of 38.`);
      return { type: declared.name === 'decimal' ? 'decimal' : 'numeric', precision, scale };
    }
    case 'varchar':
    case 'char':
    case 'nvarchar':
    case 'nchar':
    case 'varbinary':
    case 'binary':
      return { type: declared.name, length: length(defaultLength) };
    case 'sysname':
      return nvarchar(128);
    default:
      throw new SqlError(243, `Type ${declared.name} is not a defined system type.`);
  }
}

/** Merges the types two values of one result column had (CASE branches, UNION-like widening). */
export function widen(a: SqlType, b: SqlType): SqlType {
  if (a.type === b.type) {
    if ('length' in a && 'length' in b) {
      const length = a.length === -1 || b.length === -1 ? -1 : Math.max(a.length, b.length);
      return { type: a.type, length };
    }
    if ('precision' in a && 'precision' in b) {
      const scale = Math.max(a.scale, b.scale);
      return { type: a.type, precision: Math.min(38, Math.max(a.precision - a.scale, b.precision - b.scale) + scale), scale };
    }
    return a;
  }
  const [high, low] = precedence(a) >= precedence(b) ? [a, b] : [b, a];
  if (isCharacter(high) && isCharacter(low)) {
    const la = lengthOf(a);
    const lb = lengthOf(b);
    return { type: isUnicode(high) || isUnicode(low) ? 'nvarchar' : 'varchar', length: la === -1 || lb === -1 ? -1 : Math.max(la, lb) };
  }
  if (isExactDecimal(high) && isInteger(low)) {
    const digits = low.type === 'bigint' ? 19 : low.type === 'int' ? 10 : 5;
    const h = high as { type: 'numeric'; precision: number; scale: number };
    return { type: h.type, precision: Math.min(38, Math.max(h.precision - h.scale, digits) + h.scale), scale: h.scale };
  }
  return high;
}
