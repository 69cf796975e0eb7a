// sp_datatype_info / sp_datatype_info_100 (learn.microsoft.com "sp_datatype_info (Transact-SQL)"):
// the ODBC SQLGetTypeInfo catalog. ODBC drivers ask it for a type's maximum length — pyodbc uses
// nvarchar's 4000 to decide when a long string parameter must go as ntext / nvarchar(max).

import type { Column, SqlValue } from '../tds/handler.js';
import { int, nvarchar, smallint } from '../catalog/columns.js';

const COLUMNS: Column[] = [
  nvarchar('TYPE_NAME', 128, false),
  smallint('DATA_TYPE'),
  int('PRECISION'),
  nvarchar('LITERAL_PREFIX', 32),
  nvarchar('LITERAL_SUFFIX', 32),
  nvarchar('CREATE_PARAMS', 32),
  smallint('NULLABLE'),
  smallint('CASE_SENSITIVE'),
  smallint('SEARCHABLE'),
  smallint('UNSIGNED_ATTRIBUTE'),
  smallint('MONEY'),
  smallint('AUTO_INCREMENT'),
  nvarchar('LOCAL_TYPE_NAME', 128),
  smallint('MINIMUM_SCALE'),
  smallint('MAXIMUM_SCALE'),
  smallint('SQL_DATA_TYPE'),
  smallint('SQL_DATETIME_SUB'),
  int('NUM_PREC_RADIX'),
  smallint('INTERVAL_PRECISION'),
  smallint('USERTYPE'),
];

type TypeRow = [
  name: string,
  dataType: number,
  precision: number,
  prefix: string | null,
  suffix: string | null,
  params: string | null,
  caseSensitive: number,
  searchable: number,
  unsigned: number | null,
  scale: [number, number] | null,
  radix: number | null,
];

const CHARACTER = ["'", "'"] as const;
const TYPES: TypeRow[] = [
  ['bit', -7, 1, null, null, null, 0, 2, null, [0, 0], null],
  ['tinyint', -6, 3, null, null, null, 0, 2, 1, [0, 0], 10],
  ['bigint', -5, 19, null, null, null, 0, 2, 0, [0, 0], 10],
  ['image', -4, 2147483647, '0x', null, null, 0, 0, null, null, null],
  ['varbinary', -3, 8000, '0x', null, 'max length', 0, 2, null, null, null],
  ['binary', -2, 8000, '0x', null, 'length', 0, 2, null, null, null],
  ['text', -1, 2147483647, ...CHARACTER, null, 0, 1, null, null, null],
  ['ntext', -10, 1073741823, "N'", "'", null, 0, 1, null, null, null],
  ['uniqueidentifier', -11, 36, "'", "'", null, 0, 2, null, null, null],
  ['nchar', -8, 4000, "N'", "'", 'length', 0, 3, null, null, null],
  ['nvarchar', -9, 4000, "N'", "'", 'max length', 0, 3, null, null, null],
  ['char', 1, 8000, ...CHARACTER, 'length', 0, 3, null, null, null],
  ['numeric', 2, 38, null, null, 'precision,scale', 0, 2, 0, [0, 38], 10],
  ['decimal', 3, 38, null, null, 'precision,scale', 0, 2, 0, [0, 38], 10],
  ['int', 4, 10, null, null, null, 0, 2, 0, [0, 0], 10],
  ['smallint', 5, 5, null, null, null, 0, 2, 0, [0, 0], 10],
  ['float', 6, 53, null, null, null, 0, 2, 0, null, 2],
  ['real', 7, 24, null, null, null, 0, 2, 0, null, 2],
  ['varchar', 12, 8000, ...CHARACTER, 'max length', 0, 3, null, null, null],
  ['datetime', 93, 23, "'", "'", null, 0, 3, null, [3, 3], null],
];

/** `dataType` 0 (or NULL) lists every type; otherwise the types of that ODBC type code. */
export function datatypeInfo(dataType: number): { columns: Column[]; rows: SqlValue[][] } {
  const rows = TYPES.filter((t) => dataType === 0 || t[1] === dataType).map(
    ([name, code, precision, prefix, suffix, params, caseSensitive, searchable, unsigned, scale, radix]): SqlValue[] => [
      name,
      code,
      precision,
      prefix,
      suffix,
      params,
      1,
      caseSensitive,
      searchable,
      unsigned,
      0,
      unsigned === null ? null : 0,
      name,
      scale?.[0] ?? null,
      scale?.[1] ?? null,
      code === 93 ? 9 : code,
      code === 93 ? 3 : null,
      radix,
      null,
      null,
    ],
  );
  return { columns: COLUMNS, rows };
}
