// What SQL Server sends a client whose TDS version predates a type: date/time types become
// nvarchar for clients below TDS 7.3, and (MAX) types become ntext/text/image below TDS 7.2
// ("Using date and time data" — down-level clients; "Large value data types" — down-level clients).

import type { Column, SqlType, SqlValue } from './handler.js';
import type { WireColumn } from './tokens.js';
import type { WireType } from './type-encoders.js';
import { hasDateTimeTypes, isTds72OrLater } from './tds-version.js';

/** Characters of the string form: 'YYYY-MM-DD hh:mm:ss[.fffffff]' and ' +hh:mm' for the offset. */
function dateTextLength(type: { type: 'datetime2' | 'datetimeoffset'; scale: number }): number {
  return 19 + (type.scale > 0 ? type.scale + 1 : 0) + (type.type === 'datetimeoffset' ? 7 : 0);
}

function wireType(type: SqlType, tdsVersion: number): WireType {
  if ((type.type === 'datetime2' || type.type === 'datetimeoffset') && !hasDateTimeTypes(tdsVersion)) {
    return { type: 'nvarchar', length: dateTextLength(type) };
  }
  if ('length' in type && !isTds72OrLater(tdsVersion) && isLarge(type)) {
    return { type: type.type === 'varbinary' || type.type === 'binary' ? 'image' : type.type === 'varchar' || type.type === 'char' ? 'text' : 'ntext' };
  }
  return type;
}

function isLarge(type: { type: string; length: number }): boolean {
  const bytes = type.type === 'nvarchar' || type.type === 'nchar' ? type.length * 2 : type.length;
  return type.length < 0 || bytes > 8000;
}

function wireValue(from: SqlType, to: WireType, value: SqlValue): SqlValue {
  if (value === null || from.type === to.type || !(value instanceof Date)) return value;
  if (from.type !== 'datetime2' && from.type !== 'datetimeoffset') return value;
  const iso = value.toISOString();
  const fraction = from.scale > 0 ? `.${iso.slice(20, 23).padEnd(from.scale, '0').slice(0, from.scale)}` : '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}${from.type === 'datetimeoffset' ? ' +00:00' : ''}`;
}

/** The columns and rows as this client's TDS version can read them. */
export function forClient(columns: Column[], rows: SqlValue[][], tdsVersion: number): { columns: WireColumn[]; rows: SqlValue[][] } {
  const wire = columns.map((column) => ({ ...column, sqlType: wireType(column.sqlType, tdsVersion) }));
  if (wire.every((column, i) => column.sqlType === columns[i]!.sqlType)) return { columns: wire, rows };
  return { columns: wire, rows: rows.map((row) => row.map((value, i) => wireValue(columns[i]!.sqlType, wire[i]!.sqlType, value))) };
}
