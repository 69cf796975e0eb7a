// TYPE_INFO and value encodings for every SqlType the lab puts in a result set (MS-TDS 2.2.5.4–
// 2.2.5.5). Every type is sent as its nullable ("N") variant so NULL is always representable.

import type { SqlType, SqlValue } from './handler.js';
import { ByteWriter } from './byte-writer.js';
import { SQL_LATIN1_GENERAL_CP1_CI_AS } from './collation.js';
import { encodeCp1252 } from './cp1252.js';
import { DAYS_0001_TO_1970, DAYS_1900_TO_1970, splitDate } from './sql-dates.js';

export const TypeId = {
  guidN: 0x24,
  intN: 0x26,
  dateN: 0x28,
  timeN: 0x29,
  datetime2N: 0x2a,
  datetimeOffsetN: 0x2b,
  bitN: 0x68,
  decimalN: 0x6a,
  numericN: 0x6c,
  floatN: 0x6d,
  moneyN: 0x6e,
  datetimeN: 0x6f,
  bigVarBinary: 0xa5,
  bigVarChar: 0xa7,
  bigBinary: 0xad,
  bigChar: 0xaf,
  nVarChar: 0xe7,
  nChar: 0xef,
  image: 0x22,
  text: 0x23,
  nText: 0x63,
} as const;

/** A text pointer and timestamp travel with each non-NULL text/ntext/image value (2.2.4.2.1.3);
 * the lab's are dummies, as no client can use them (WRITETEXT is gone). */
const TEXT_POINTER = Buffer.alloc(16, 0xff);
const TEXT_TIMESTAMP = Buffer.alloc(8);
const LARGE_TYPE_MAX = 0x7fffffff;

/** What the wire can carry: the handler's types plus the pre-2005 large types, which (MAX) columns
 * become for a TDS 7.1 client. */
export type WireType = SqlType | { type: 'ntext' | 'text' | 'image' };

const INT_BYTES = { tinyint: 1, smallint: 2, int: 4, bigint: 8 } as const;
const PLP_NULL = 0xffffffffffffffffn;
const MAX_SHORT_BYTES = 8000;

/** Bytes of the decimal magnitude for a precision (SQL Server's storage classes). */
export function decimalLength(precision: number): number {
  if (precision <= 9) return 5;
  if (precision <= 19) return 9;
  if (precision <= 28) return 13;
  return 17;
}

/** Bytes of a time value for a fractional-second scale. */
export function timeLength(scale: number): number {
  if (scale <= 2) return 3;
  if (scale <= 4) return 4;
  return 5;
}

/** Max length in bytes as TYPE_INFO declares it; undefined ⇒ (MAX), sent as PLP. */
function shortMaxBytes(type: { type: string; length: number }): number | undefined {
  if (type.length < 0) return undefined;
  const bytes = type.type === 'nvarchar' || type.type === 'nchar' ? type.length * 2 : type.length;
  return bytes > MAX_SHORT_BYTES ? undefined : bytes;
}

export function writeTypeInfo(w: ByteWriter, sqlType: WireType): void {
  switch (sqlType.type) {
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
      w.u8(TypeId.intN).u8(INT_BYTES[sqlType.type]);
      return;
    case 'bit':
      w.u8(TypeId.bitN).u8(1);
      return;
    case 'float':
      w.u8(TypeId.floatN).u8(8);
      return;
    case 'real':
      w.u8(TypeId.floatN).u8(4);
      return;
    case 'datetime':
      w.u8(TypeId.datetimeN).u8(8);
      return;
    case 'uniqueidentifier':
      w.u8(TypeId.guidN).u8(16);
      return;
    case 'decimal':
    case 'numeric':
      w.u8(sqlType.type === 'decimal' ? TypeId.decimalN : TypeId.numericN)
        .u8(decimalLength(sqlType.precision))
        .u8(sqlType.precision)
        .u8(sqlType.scale);
      return;
    case 'datetime2':
    case 'datetimeoffset':
      w.u8(sqlType.type === 'datetime2' ? TypeId.datetime2N : TypeId.datetimeOffsetN).u8(sqlType.scale);
      return;
    case 'nvarchar':
    case 'nchar':
    case 'varchar':
    case 'char': {
      const id = { nvarchar: TypeId.nVarChar, nchar: TypeId.nChar, varchar: TypeId.bigVarChar, char: TypeId.bigChar }[sqlType.type];
      w.u8(id)
        .u16(shortMaxBytes(sqlType) ?? 0xffff)
        .bytes(SQL_LATIN1_GENERAL_CP1_CI_AS);
      return;
    }
    case 'varbinary':
    case 'binary':
      w.u8(sqlType.type === 'varbinary' ? TypeId.bigVarBinary : TypeId.bigBinary).u16(shortMaxBytes(sqlType) ?? 0xffff);
      return;
    case 'ntext':
    case 'text':
    case 'image':
      // Only TDS 7.1 clients get these, and 7.1's TableName is a bare US_VARCHAR (empty here).
      w.u8({ ntext: TypeId.nText, text: TypeId.text, image: TypeId.image }[sqlType.type]).u32(LARGE_TYPE_MAX);
      if (sqlType.type !== 'image') w.bytes(SQL_LATIN1_GENERAL_CP1_CI_AS);
      w.u16(0);
      return;
  }
}

export function writeValue(w: ByteWriter, sqlType: WireType, value: SqlValue): void {
  switch (sqlType.type) {
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint': {
      if (value === null) return void w.u8(0);
      const bytes = INT_BYTES[sqlType.type];
      w.u8(bytes);
      if (bytes === 8) w.i64(toBigInt(value));
      else if (bytes === 4) w.i32(toNumber(value));
      else if (bytes === 2) w.i16(toNumber(value));
      else w.u8(toNumber(value));
      return;
    }
    case 'bit':
      if (value === null) return void w.u8(0);
      w.u8(1).u8(value === true || (typeof value !== 'boolean' && toNumber(value) !== 0) ? 1 : 0);
      return;
    case 'float':
      if (value === null) return void w.u8(0);
      w.u8(8).f64(toNumber(value));
      return;
    case 'real':
      if (value === null) return void w.u8(0);
      w.u8(4).f32(toNumber(value));
      return;
    case 'datetime':
      if (value === null) return void w.u8(0);
      writeDatetime(w.u8(8), toDate(value));
      return;
    case 'uniqueidentifier':
      if (value === null) return void w.u8(0);
      w.u8(16).bytes(guidToBytes(String(value)));
      return;
    case 'decimal':
    case 'numeric': {
      if (value === null) return void w.u8(0);
      const length = decimalLength(sqlType.precision);
      const scaled = scaleDecimal(value, sqlType.scale);
      w.u8(length).u8(scaled < 0n ? 0 : 1);
      let magnitude = scaled < 0n ? -scaled : scaled;
      for (let i = 0; i < length - 1; i++) {
        w.u8(Number(magnitude & 0xffn));
        magnitude >>= 8n;
      }
      return;
    }
    case 'datetime2':
    case 'datetimeoffset': {
      if (value === null) return void w.u8(0);
      const offsetBytes = sqlType.type === 'datetimeoffset' ? 2 : 0;
      w.u8(timeLength(sqlType.scale) + 3 + offsetBytes);
      writeDatetime2(w, toDate(value), sqlType.scale);
      if (offsetBytes) w.i16(0);
      return;
    }
    case 'nvarchar':
    case 'nchar':
    case 'varchar':
    case 'char':
    case 'varbinary':
    case 'binary': {
      const maxBytes = shortMaxBytes(sqlType);
      const data = value === null ? null : padFixed(sqlType, toBytes(sqlType.type, value));
      if (maxBytes === undefined) return writePlp(w, data);
      if (data === null) return void w.u16(0xffff);
      w.u16(data.length).bytes(data);
      return;
    }
    case 'ntext':
    case 'text':
    case 'image': {
      if (value === null) return void w.u8(0);
      const data = toBytes({ ntext: 'nvarchar', text: 'varchar', image: 'varbinary' }[sqlType.type], value);
      w.u8(TEXT_POINTER.length).bytes(TEXT_POINTER).bytes(TEXT_TIMESTAMP).u32(data.length).bytes(data);
      return;
    }
  }
}

function writePlp(w: ByteWriter, data: Buffer | null): void {
  if (data === null) return void w.u64(PLP_NULL);
  w.u64(BigInt(data.length));
  if (data.length > 0) w.u32(data.length).bytes(data);
  w.u32(0);
}

function toBytes(type: string, value: Exclude<SqlValue, null>): Buffer {
  if (type === 'varbinary' || type === 'binary') return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
  const text = value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  return type === 'nvarchar' || type === 'nchar' ? Buffer.from(text, 'utf16le') : encodeCp1252(text);
}

/** char/nchar/binary are fixed length: SQL Server pads with spaces (zeros for binary). */
function padFixed(sqlType: WireType, data: Buffer): Buffer {
  if (!('length' in sqlType) || sqlType.length < 0) return data;
  if (sqlType.type === 'binary') return data.length >= sqlType.length ? data : Buffer.concat([data, Buffer.alloc(sqlType.length - data.length)]);
  if (sqlType.type === 'char' || sqlType.type === 'nchar') {
    const want = sqlType.type === 'nchar' ? sqlType.length * 2 : sqlType.length;
    if (data.length >= want) return data;
    const pad = sqlType.type === 'nchar' ? Buffer.from(' '.repeat((want - data.length) / 2), 'utf16le') : Buffer.alloc(want - data.length, 0x20);
    return Buffer.concat([data, pad]);
  }
  return data;
}

function toNumber(value: Exclude<SqlValue, null>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  const n = Number(value);
  if (Number.isNaN(n)) throw new TypeError(`cannot send ${String(value)} as a number`);
  return n;
}

function toBigInt(value: Exclude<SqlValue, null>): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value.trim());
  return BigInt(toNumber(value));
}

function toDate(value: Exclude<SqlValue, null>): Date {
  const date = value instanceof Date ? value : new Date(typeof value === 'string' ? value : toNumber(value));
  if (Number.isNaN(date.getTime())) throw new TypeError(`cannot send ${String(value)} as a date`);
  return date;
}

/** The value times 10^scale, rounded half away from zero, as an exact integer. */
function scaleDecimal(value: Exclude<SqlValue, null>, scale: number): bigint {
  const text = typeof value === 'number' ? numberToPlainString(value) : String(value).trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new TypeError(`cannot send ${text} as a decimal`);
  const negative = match[1] === '-';
  const fraction = match[3] ?? '';
  let scaled = BigInt((match[2] || '0') + fraction.padEnd(scale, '0').slice(0, scale));
  if (Number(fraction[scale] ?? '0') >= 5) scaled += 1n;
  return negative ? -scaled : scaled;
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`cannot send ${n} as a decimal`);
  const text = String(n);
  return /e/i.test(text) ? n.toFixed(20).replace(/\.?0+$/, '') : text;
}

function writeDatetime(w: ByteWriter, date: Date): void {
  const { days1970, msOfDay } = splitDate(date);
  let days = days1970 + DAYS_1900_TO_1970;
  let ticks = Math.round((msOfDay * 300) / 1000);
  if (ticks >= 300 * 86_400) {
    ticks -= 300 * 86_400;
    days += 1;
  }
  w.i32(days).u32(ticks);
}

/** datetime2's time (10^-scale seconds since midnight) then 3-byte days since 0001-01-01. */
function writeDatetime2(w: ByteWriter, date: Date, scale: number): void {
  const { days1970, msOfDay } = splitDate(date);
  let days = days1970 + DAYS_0001_TO_1970;
  const unitsPerDay = 86_400n * 10n ** BigInt(scale);
  let units = scale >= 3 ? BigInt(msOfDay) * 10n ** BigInt(scale - 3) : BigInt(Math.round(msOfDay / 10 ** (3 - scale)));
  if (units >= unitsPerDay) {
    units -= unitsPerDay;
    days += 1;
  }
  const bytes = timeLength(scale);
  for (let i = 0; i < bytes; i++) {
    w.u8(Number(units & 0xffn));
    units >>= 8n;
  }
  w.uintN(days, 3);
}

/** SQL Server stores the first three GUID groups little-endian. */
export function guidToBytes(text: string): Buffer {
  const hex = text.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a uniqueidentifier: ${text}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8)]);
}

export function bytesToGuid(b: Buffer): string {
  const ordered = Buffer.from([b[3]!, b[2]!, b[1]!, b[0]!, b[5]!, b[4]!, b[7]!, b[6]!, ...b.subarray(8, 16)])
    .toString('hex')
    .toUpperCase();
  return `${ordered.slice(0, 8)}-${ordered.slice(8, 12)}-${ordered.slice(12, 16)}-${ordered.slice(16, 20)}-${ordered.slice(20)}`;
}
