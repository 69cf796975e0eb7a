// What SELECT evaluation needs from the instance it runs on. lab/server implements it per
// statement (closing over the session, the instance and the clock); lab/sql knows only this.

import type { Column, SqlType, SqlValue } from '../tds/handler.js';

/** A value with the SQL type it carries (result column types are inferred from these). */
export interface Typed {
  value: SqlValue;
  type: SqlType;
}

/** A catalog view or table: rows are arrays aligned with `columns`. */
export interface Relation {
  columns: Column[];
  rows: SqlValue[][];
}

export interface SqlCatalog {
  /** A table or view by its parts as written (['sys', 'databases'], ['msdb', 'dbo', 'backupset']);
   * undefined → Msg 208 "Invalid object name '…'." */
  table(parts: string[]): Relation | undefined;
  /** Instance-specific scalar functions (CERT_ID, CERTENCODED, DB_ID, DB_NAME, SERVERPROPERTY,
   * SUSER_NAME, SUSER_SNAME, DATABASEPROPERTYEX, GETDATE …). `name` upper-cased. undefined → the
   * generic functions of lab/sql are tried, then Msg 195. */
  scalarFunction(name: string, args: Typed[]): Typed | undefined;
  /** '@@SERVERNAME', '@@VERSION', '@@SPID' … and declared '@variables' / sp_executesql parameters
   * (names as written, compare case-insensitively); undefined → Msg 137. */
  variable(name: string): Typed | undefined;
  /** A table-valued function that takes its arguments' values (fn_my_permissions(NULL, 'SERVER')),
   * or undefined when `name` is none: then the relation lists every row (see TableRef.args). */
  tableFunction?(name: string[]): ((args: Typed[]) => Relation) | undefined;
  /** The lab clock (GETDATE, GETUTCDATE, SYSUTCDATETIME when the host does not supply them). */
  now(): Date;
}
