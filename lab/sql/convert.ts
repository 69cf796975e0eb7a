// Value conversion between SQL types (CAST, CONVERT, implicit conversion), with SQL Server's
// failure messages: 245 (string → int/bit), 8114 (string → numeric/float), 241/242 (dates),
// 8169 (uniqueidentifier), 8115/220/248 (overflow).

import { SqlError } from '../errors.js';
import { parseSqlDateTime } from '../instance/sql-date.js';
import type { SqlType, SqlValue } from '../tds/handler.js';
import type { Typed } from './catalog.js';
import { isCharacter, isUnicode, lengthOf, typeName } from './types.js';

const INTEGER_RANGES: Record<string, [number, number]> = {
  tinyint: [0, 255],
  smallint: [-32768, 32767],
  int: [-2147483648, 2147483647],
  bigint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

export function convert(from: Typed, to: SqlType, style?: number): SqlValue {
  const value = from.value;
  if (value === null) return null;
  switch (to.type) {
    case 'int':
    case 'bigint':
    case 'smallint':
    case 'tinyint':
      return toInteger(from, to.type);
    case 'bit':
      return toBit(from);
    case 'float':
    case 'real':
      return toFloat(from);
    case 'decimal':
    case 'numeric':
      return toDecimal(from, to.precision, to.scale);
    case 'datetime':
    case 'datetime2':
    case 'datetimeoffset':
      return toDateTime(from, to.type === 'datetime');
    case 'uniqueidentifier':
      return toGuid(from);
    case 'varchar':
    case 'nvarchar':
    case 'char':
    case 'nchar':
      return truncate(toText(from, style), lengthOf(to));
    case 'varbinary':
    case 'binary':
      return truncateBytes(toBytes(from, to), lengthOf(to));
  }
}

function textOf(from: Typed): string | undefined {
  return typeof from.value === 'string' && from.type.type !== 'uniqueidentifier' ? from.value : undefined;
}

function describe(from: Typed): string {
  return isCharacter(from.type) ? `${typeName(from.type)} value '${String(from.value)}'` : typeName(from.type);
}

function toInteger(from: Typed, target: keyof typeof INTEGER_RANGES): number {
  const [min, max] = INTEGER_RANGES[target]!;
  const text = textOf(from);
  let n: number;
  if (text !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(text)) {
      throw new SqlError(245, `Conversion failed when converting the ${describe(from)} to data type ${target}.`);
    }
    n = Number(text);
    if (n < min || n > max) throw new SqlError(248, `The conversion of the ${describe(from)} overflowed an ${target} column.`);
    return n;
  }
  n = numberOf(from, target);
  n = Math.trunc(n);
  if (n < min || n > max) throw new SqlError(8115, `Arithmetic overflow error converting expression to data type ${target}.`);
  return n;
}

function numberOf(from: Typed, target: string): number {
  const v = from.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Buffer.isBuffer(v)) return v.length === 0 ? 0 : v.readIntBE(Math.max(0, v.length - 6), Math.min(6, v.length));
  if (v instanceof Date && from.type.type === 'datetime' && target !== 'bit') return (v.getTime() - Date.UTC(1900, 0, 1)) / 86_400_000;
  throw new SqlError(529, `Explicit conversion from data type ${typeName(from.type)} to ${target} is not allowed.`);
}

function toBit(from: Typed): boolean {
  const text = textOf(from);
  if (text !== undefined) {
    const t = text.trim().toUpperCase();
    if (t === 'TRUE') return true;
    if (t === 'FALSE') return false;
    if (/^[+-]?\d+(\.\d*)?$/.test(t)) return Number(t) !== 0;
    throw new SqlError(245, `Conversion failed when converting the ${describe(from)} to data type bit.`);
  }
  return numberOf(from, 'bit') !== 0;
}

function toFloat(from: Typed): number {
  const text = textOf(from);
  if (text !== undefined) {
    const t = text.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new SqlError(8114, `Error converting data type ${typeName(from.type)} to float.`);
    return Number(t);
  }
  return numberOf(from, 'float');
}

function toDecimal(from: Typed, precision: number, scale: number): number {
  const text = textOf(from);
  let n: number;
  if (text !== undefined) {
    const t = text.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) throw new SqlError(8114, `Error converting data type ${typeName(from.type)} to numeric.`);
    n = Number(t);
  } else n = numberOf(from, 'numeric');
  const rounded = Math.round(n * 10 ** scale) / 10 ** scale;
  if (Math.abs(rounded) >= 10 ** (precision - scale)) {
    throw new SqlError(8115, `Arithmetic overflow error converting ${typeName(from.type)} to data type numeric.`);
  }
  return rounded;
}

/** datetime reads a year-first numeric date by the session's date order; datetime2 and
 * datetimeoffset read 'YYYY-MM-DD' as ISO ("SET DATEFORMAT": ydm is not supported for them). */
function toDateTime(from: Typed, legacy: boolean): Date {
  const v = from.value;
  if (v instanceof Date) return v;
  const text = textOf(from);
  if (text !== undefined) return !legacy && /^\s*\d{4}-/.test(text) ? parseSqlDateTime(text, 'ymd') : parseSqlDateTime(text);
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Date.UTC(1900, 0, 1) + Number(v) * 86_400_000);
  throw new SqlError(529, `Explicit conversion from data type ${typeName(from.type)} to datetime is not allowed.`);
}

function toGuid(from: Typed): string {
  const v = from.value;
  if (Buffer.isBuffer(v) && v.length >= 16) return guidFromBytes(v);
  const m = typeof v === 'string' ? GUID.exec(v.trim()) : null;
  if (!m) throw new SqlError(8169, 'Conversion failed when converting from a character string to uniqueidentifier.');
  return m[1]!.toUpperCase();
}

function guidFromBytes(b: Buffer): string {
  const hex = (bytes: number[]) => bytes.map((i) => b[i]!.toString(16).padStart(2, '0')).join('');
  return `${hex([3, 2, 1, 0])}-${hex([5, 4])}-${hex([7, 6])}-${hex([8, 9])}-${hex([10, 11, 12, 13, 14, 15])}`.toUpperCase();
}

/** A value as text, the way CAST/CONVERT to (n)varchar writes it. Date styles: 0/100 (default for
 * datetime), 20/120, 21/121, 126/127 (ISO 8601), 23, 101, 102, 103, 108, 111, 112. */
export function toText(from: Typed, style?: number): string {
  const v = from.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (from.type.type === 'decimal' || from.type.type === 'numeric') return v.toFixed(from.type.scale);
    if (from.type.type === 'float' || from.type.type === 'real') return floatText(v);
    return String(v);
  }
  if (Buffer.isBuffer(v)) {
    if (style === 1) return `0x${v.toString('hex').toUpperCase()}`;
    if (style === 2) return v.toString('hex').toUpperCase();
    return v.toString(isUnicode(from.type) ? 'utf16le' : 'latin1');
  }
  if (v instanceof Date) return dateText(v, from.type, style);
  return String(v);
}

function floatText(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e-4 && abs < 1e15) return String(Number(v.toPrecision(15)));
  return v
    .toExponential(15)
    .replace(/\.?0+e/, 'e')
    .replace(/e\+?(-?)(\d)$/, 'e$10$2');
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function dateText(d: Date, type: SqlType, style?: number): string {
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const fraction = type.type === 'datetime' ? pad(d.getUTCMilliseconds(), 3) : `${pad(d.getUTCMilliseconds(), 3)}0000`;
  switch (style) {
    case 101:
      return `${pad(mo)}/${pad(day)}/${y}`;
    case 102:
      return `${y}.${pad(mo)}.${pad(day)}`;
    case 103:
      return `${pad(day)}/${pad(mo)}/${y}`;
    case 108:
      return time;
    case 111:
      return `${y}/${pad(mo)}/${pad(day)}`;
    case 112:
      return `${y}${pad(mo)}${pad(day)}`;
    case 23:
      return `${y}-${pad(mo)}-${pad(day)}`;
    case 20:
    case 120:
      return `${y}-${pad(mo)}-${pad(day)} ${time}`;
    case 21:
    case 121:
      return `${y}-${pad(mo)}-${pad(day)} ${time}.${fraction}`;
    case 126:
    case 127:
      return `${y}-${pad(mo)}-${pad(day)}T${time}${d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds(), 3)}` : ''}`;
    case undefined:
    case 0:
    case 100:
      if (type.type !== 'datetime') return `${y}-${pad(mo)}-${pad(day)} ${time}.${fraction}`;
      {
        const h = d.getUTCHours() % 12 || 12;
        return `${MONTHS[mo - 1]} ${String(day).padStart(2)} ${y} ${String(h).padStart(2)}:${pad(d.getUTCMinutes())}${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
      }
    default:
      throw new SqlError(281, `${style} is not a valid style number when converting from ${typeName(type)} to a character string.`);
  }
}

function truncate(text: string, length: number): string {
  return length > 0 && text.length > length ? text.slice(0, length) : text;
}

function truncateBytes(bytes: Buffer, length: number): Buffer {
  return length > 0 && bytes.length > length ? bytes.subarray(0, length) : bytes;
}

function toBytes(from: Typed, to: SqlType): Buffer {
  const v = from.value;
  const t = from.type;
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, isUnicode(t) ? 'utf16le' : 'latin1');
  if (typeof v === 'boolean') return Buffer.from([v ? 1 : 0]);
  if (v instanceof Date) {
    // datetime on disk: days since 1900-01-01, then 1/300 s ticks since midnight, both big-endian here.
    const ms = v.getTime() - Date.UTC(1900, 0, 1);
    const days = Math.floor(ms / 86_400_000);
    const b = Buffer.alloc(8);
    b.writeInt32BE(days);
    b.writeInt32BE(Math.round(((ms - days * 86_400_000) * 300) / 1000), 4);
    return b;
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    const n = Number(v);
    if (t.type === 'float' || t.type === 'real') {
      const b = Buffer.alloc(t.type === 'float' ? 8 : 4);
      if (t.type === 'float') b.writeDoubleBE(n);
      else b.writeFloatBE(n);
      return b;
    }
    if ('precision' in t) {
      // precision, scale, sign (1 = positive), then the scaled integer, little-endian.
      let scaled = BigInt(Math.round(Math.abs(n) * 10 ** t.scale));
      const bytes = [t.precision, t.scale, n < 0 ? 0 : 1];
      do {
        bytes.push(Number(scaled & 0xffn));
        scaled >>= 8n;
      } while (scaled > 0n);
      return Buffer.from(bytes);
    }
    const size = t.type === 'bigint' ? 8 : t.type === 'smallint' ? 2 : t.type === 'tinyint' ? 1 : 4;
    const b = Buffer.alloc(size);
    if (size === 8) b.writeBigInt64BE(BigInt(Math.trunc(n)));
    else b.writeIntBE(Math.trunc(n), 0, size);
    return b;
  }
  throw new SqlError(529, `Explicit conversion from data type ${typeName(t)} to ${typeName(to)} is not allowed.`);
}
