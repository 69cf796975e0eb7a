// Column declarations with SQL Server's types, so each view reads like its documentation page.

import type { Column } from '../tds/handler.js';

const make =
  (sqlType: Column['sqlType']) =>
  (name: string, nullable = false): Column => ({ name, sqlType, nullable });

export const int = make({ type: 'int' });
export const smallint = make({ type: 'smallint' });
export const tinyint = make({ type: 'tinyint' });
export const bigint = make({ type: 'bigint' });
export const bit = make({ type: 'bit' });
export const real = make({ type: 'real' });
export const datetime = make({ type: 'datetime' });
export const uniqueidentifier = make({ type: 'uniqueidentifier' });
export const datetimeoffset = make({ type: 'datetimeoffset', scale: 7 });
export const sysname = make({ type: 'nvarchar', length: 128 });
export const lsn = make({ type: 'numeric', precision: 25, scale: 0 });
export const nvarchar = (name: string, length: number, nullable = true): Column => ({ name, sqlType: { type: 'nvarchar', length }, nullable });
export const char = (name: string, length: number, nullable = false): Column => ({ name, sqlType: { type: 'char', length }, nullable });
export const varbinary = (name: string, length: number, nullable = true): Column => ({ name, sqlType: { type: 'varbinary', length }, nullable });
export const numeric = (name: string, precision: number, scale: number, nullable = true): Column => ({
  name,
  sqlType: { type: 'numeric', precision, scale },
  nullable,
});

export const date = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);
export const guid = (value: string | null | undefined): string | null => value ?? null;
export const bool = (value: boolean): boolean => value;
export const hex = (value: string | null | undefined): Buffer | null => (value === null || value === undefined ? null : Buffer.from(value, 'hex'));
