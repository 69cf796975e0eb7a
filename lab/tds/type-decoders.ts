// Reads TYPE_INFO + value of an RPC parameter (MS-TDS 2.2.5.4–2.2.5.5) into a SqlValue.

import type { SqlType, SqlValue } from './handler.js';
import type { ByteReader } from './byte-reader.js';
import { decodeCp1252 } from './cp1252.js';
import { DAYS_0001_TO_1970, DAYS_1900_TO_1970, MS_PER_DAY, joinDate } from './sql-dates.js';
import { TypeId, bytesToGuid, timeLength } from './type-encoders.js';

/** A parameter type the lab does not decode; SQL Server answers such a stream with Msg 8009. */
export class UnsupportedTypeError extends Error {
  constructor(readonly typeId: number) {
    super(`Data type 0x${typeId.toString(16).toUpperCase().padStart(2, '0')} is unknown.`);
  }
}

const Fixed = {
  int1: 0x30,
  bit: 0x32,
  int2: 0x34,
  int4: 0x38,
  datetim4: 0x3a,
  flt4: 0x3b,
  money: 0x3c,
  datetime: 0x3d,
  flt8: 0x3e,
  money4: 0x7a,
  int8: 0x7f,
  null: 0x1f,
} as const;
const LEGACY_DECIMAL = 0x37;
const LEGACY_NUMERIC = 0x3f;
const PLP_NULL = 0xffffffffffffffffn;

type ValueReader = (r: ByteReader) => SqlValue;

/** Reads a TYPE_INFO and returns the reader for the value that follows it. */
export function readTypeInfo(r: ByteReader): ValueReader {
  return readParameterType(r).read;
}

/** A parameter's TYPE_INFO: how to read its value, and the SQL type it declares (what an OUTPUT
 * parameter's RETURNVALUE is sent back as). */
export function readParameterType(r: ByteReader): { read: ValueReader; sqlType: SqlType } {
  const id = r.u8();
  const typed = (sqlType: SqlType, read: ValueReader) => ({ read, sqlType });
  switch (id) {
    case Fixed.null:
      return typed({ type: 'int' }, () => null);
    case Fixed.int1:
      return typed({ type: 'tinyint' }, (v) => v.u8());
    case Fixed.bit:
      return typed({ type: 'bit' }, (v) => v.u8() !== 0);
    case Fixed.int2:
      return typed({ type: 'smallint' }, (v) => v.i16());
    case Fixed.int4:
      return typed({ type: 'int' }, (v) => v.i32());
    case Fixed.int8:
      return typed({ type: 'bigint' }, (v) => v.i64());
    case Fixed.flt4:
      return typed({ type: 'real' }, (v) => v.f32());
    case Fixed.flt8:
      return typed({ type: 'float' }, (v) => v.f64());
    case Fixed.money:
      return typed({ type: 'decimal', precision: 19, scale: 4 }, readMoney8);
    case Fixed.money4:
      return typed({ type: 'decimal', precision: 10, scale: 4 }, (v) => v.i32() / 10_000);
    case Fixed.datetime:
      return typed({ type: 'datetime' }, readDatetime);
    case Fixed.datetim4:
      return typed({ type: 'datetime' }, readSmallDatetime);
    case TypeId.intN:
    case TypeId.bitN:
    case TypeId.floatN:
    case TypeId.moneyN:
    case TypeId.datetimeN:
    case TypeId.guidN: {
      const length = r.u8();
      return typed(nullableType(id, length), (v) => readNullable(v, id));
    }
    case TypeId.decimalN:
    case TypeId.numericN:
    case LEGACY_DECIMAL:
    case LEGACY_NUMERIC: {
      r.u8();
      const precision = r.u8();
      const scale = r.u8();
      return typed({ type: 'decimal', precision, scale }, (v) => readDecimal(v, scale));
    }
    case TypeId.dateN:
      return typed({ type: 'datetime2', scale: 0 }, (v) => (v.u8() === 0 ? null : joinDate(v.uintN(3) - DAYS_0001_TO_1970, 0)));
    case TypeId.timeN:
    case TypeId.datetime2N:
    case TypeId.datetimeOffsetN: {
      const scale = r.u8();
      return typed({ type: id === TypeId.datetimeOffsetN ? 'datetimeoffset' : 'datetime2', scale }, (v) => readTimeFamily(v, id, scale));
    }
    case TypeId.nVarChar:
    case TypeId.nChar:
    case TypeId.bigVarChar:
    case TypeId.bigChar: {
      const maxLength = r.u16();
      r.skip(5);
      const wide = id === TypeId.nVarChar || id === TypeId.nChar;
      const decode = (bytes: Buffer) => (wide ? bytes.toString('utf16le') : decodeCp1252(bytes));
      const length = maxLength === 0xffff ? -1 : wide ? maxLength / 2 : maxLength;
      return typed({ type: wide ? 'nvarchar' : 'varchar', length }, (v) => {
        const bytes = maxLength === 0xffff ? readPlp(v) : readUShortBytes(v);
        return bytes === null ? null : decode(bytes);
      });
    }
    case TypeId.bigVarBinary:
    case TypeId.bigBinary: {
      const maxLength = r.u16();
      return typed({ type: 'varbinary', length: maxLength === 0xffff ? -1 : maxLength }, (v) => (maxLength === 0xffff ? readPlp(v) : readUShortBytes(v)));
    }
    // text/ntext/image (2.2.5.4.3): LONGLEN max size, collation for the text types; the value is a
    // LONGLEN length (0xFFFFFFFF for NULL) and the bytes. FreeTDS ODBC sends long strings this way.
    case TypeId.text:
    case TypeId.nText:
    case TypeId.image: {
      r.u32();
      if (id !== TypeId.image) r.skip(5);
      const read = (v: ByteReader): Buffer | null => {
        const length = v.u32();
        return length === 0xffffffff ? null : Buffer.from(v.bytes(length));
      };
      if (id === TypeId.image) return typed({ type: 'varbinary', length: -1 }, read);
      return typed({ type: id === TypeId.nText ? 'nvarchar' : 'varchar', length: -1 }, (v) => {
        const bytes = read(v);
        return bytes === null ? null : id === TypeId.nText ? bytes.toString('utf16le') : decodeCp1252(bytes);
      });
    }
    default:
      throw new UnsupportedTypeError(id);
  }
}

function nullableType(id: number, length: number): SqlType {
  switch (id) {
    case TypeId.intN:
      return { type: length === 1 ? 'tinyint' : length === 2 ? 'smallint' : length === 8 ? 'bigint' : 'int' };
    case TypeId.bitN:
      return { type: 'bit' };
    case TypeId.floatN:
      return { type: length === 4 ? 'real' : 'float' };
    case TypeId.moneyN:
      return { type: 'decimal', precision: 19, scale: 4 };
    case TypeId.datetimeN:
      return { type: 'datetime' };
    default:
      return { type: 'uniqueidentifier' };
  }
}

function readNullable(v: ByteReader, id: number): SqlValue {
  const length = v.u8();
  if (length === 0) return null;
  switch (id) {
    case TypeId.intN:
      if (length === 1) return v.u8();
      if (length === 2) return v.i16();
      if (length === 4) return v.i32();
      if (length === 8) return v.i64();
      break;
    case TypeId.bitN:
      if (length === 1) return v.u8() !== 0;
      break;
    case TypeId.floatN:
      if (length === 4) return v.f32();
      if (length === 8) return v.f64();
      break;
    case TypeId.moneyN:
      if (length === 4) return v.i32() / 10_000;
      if (length === 8) return readMoney8(v);
      break;
    case TypeId.datetimeN:
      if (length === 4) return readSmallDatetime(v);
      if (length === 8) return readDatetime(v);
      break;
    case TypeId.guidN:
      if (length === 16) return bytesToGuid(v.bytes(16));
      break;
  }
  throw new UnsupportedTypeError(id);
}

function readMoney8(v: ByteReader): number {
  const high = v.i32();
  const low = v.u32();
  return Number((BigInt(high) << 32n) + BigInt(low)) / 10_000;
}

function readDatetime(v: ByteReader): Date {
  const days = v.i32();
  const ticks = v.u32();
  return joinDate(days - DAYS_1900_TO_1970, Math.round((ticks * 1000) / 300));
}

function readSmallDatetime(v: ByteReader): Date {
  const days = v.u16();
  const minutes = v.u16();
  return joinDate(days - DAYS_1900_TO_1970, minutes * 60_000);
}

function readDecimal(v: ByteReader, scale: number): number | null {
  const length = v.u8();
  if (length === 0) return null;
  const positive = v.u8() === 1;
  let magnitude = 0n;
  const bytes = v.bytes(length - 1);
  for (let i = bytes.length - 1; i >= 0; i--) magnitude = (magnitude << 8n) | BigInt(bytes[i]!);
  const text = magnitude.toString().padStart(scale + 1, '0');
  const value = Number(scale > 0 ? `${text.slice(0, -scale)}.${text.slice(-scale)}` : text);
  return positive ? value : -value;
}

function readTimeFamily(v: ByteReader, id: number, scale: number): Date | null {
  if (v.u8() === 0) return null;
  const units = v.uintN(timeLength(scale));
  const msOfDay = Math.round((units * 1000) / 10 ** scale);
  if (id === TypeId.timeN) return joinDate(0, msOfDay);
  const days = v.uintN(3) - DAYS_0001_TO_1970;
  // datetimeoffset stores the instant in UTC; the offset only says how it was written.
  if (id === TypeId.datetimeOffsetN) v.i16();
  return new Date(days * MS_PER_DAY + msOfDay);
}

function readUShortBytes(v: ByteReader): Buffer | null {
  const length = v.u16();
  return length === 0xffff ? null : Buffer.from(v.bytes(length));
}

function readPlp(v: ByteReader): Buffer | null {
  const total = v.u64();
  if (total === PLP_NULL) return null;
  const chunks: Buffer[] = [];
  for (let length = v.u32(); length !== 0; length = v.u32()) chunks.push(v.bytes(length));
  return Buffer.concat(chunks);
}
