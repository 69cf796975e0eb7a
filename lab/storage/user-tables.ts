// Tables a client creates with CREATE TABLE and fills with INSERT … VALUES — in the lab, what
// mirrorbook keeps in msdb.dbo.mirrorbook_run_anchors. Names resolve like any table: [db.][schema.]name,
// schema dbo. Errors as SQL Server gives them:
// 2714 an object of that name exists, 208 invalid object name, 207 invalid column name,
// 109 / 110 more / fewer columns than values, 515 NULL into a NOT NULL column, 243 unknown type;
// ALTER TABLE … ADD: 2705 a column of that name exists, 4901 a NOT NULL column (no default) added
// to a table that has rows; DROP TABLE: 3701 no such table.
// https://learn.microsoft.com/sql/t-sql/statements/create-table-transact-sql
// https://learn.microsoft.com/sql/t-sql/statements/alter-table-transact-sql
// https://learn.microsoft.com/sql/t-sql/statements/drop-table-transact-sql
// https://learn.microsoft.com/sql/t-sql/statements/insert-transact-sql
import { SqlError } from '../errors.js';
import type { DatabaseState, UserTable } from '../model.js';
import type { AlterTableAddStatement, CreateTableStatement, DropTableStatement, InsertStatement } from '../sql/ast.js';
import type { Relation, Typed } from '../sql/catalog.js';
import { convert } from '../sql/convert.js';
import { sqlTypeOf } from '../sql/types.js';
import type { SqlType, SqlValue } from '../tds/handler.js';
import { findDatabase } from '../instance/scope.js';
import type { ExecEnv } from '../server/env.js';
import { readOnlyDatabase } from './snapshots.js';

interface Target {
  database: DatabaseState;
  name: string;
  written: string;
}

function target(env: ExecEnv, parts: string[]): Target {
  const name = parts.at(-1)!;
  const schema = parts.length >= 2 ? parts.at(-2) || 'dbo' : 'dbo';
  const databaseName = parts.length >= 3 ? parts.at(-3)! : env.session.database;
  const database = findDatabase(env.instance, databaseName);
  if (!database) throw new SqlError(2702, `Database '${databaseName}' does not exist.`);
  if (database.snapshotOf !== undefined) throw readOnlyDatabase(database);
  if (schema.toLowerCase() !== 'dbo')
    throw new SqlError(2760, `The specified schema name "${schema}" either does not exist or you do not have permission to use it.`);
  return { database, name, written: parts.join('.') };
}

const columnsOf = (statement: CreateTableStatement | AlterTableAddStatement): UserTable['columns'] =>
  statement.columns.map((c) => {
    sqlTypeOf(c.type, 1);
    return { name: c.name, type: c.type.name, params: c.type.params, nullable: c.nullable };
  });

export function createTable(env: ExecEnv, statement: CreateTableStatement): void {
  const { database, name } = target(env, statement.table);
  const key = name.toLowerCase();
  if (database.userTables?.[key] || Object.keys(database.tables).some((t) => t.toLowerCase() === key)) {
    throw new SqlError(2714, `There is already an object named '${name}' in the database.`);
  }
  const columns = columnsOf(statement);
  database.userTables = { ...database.userTables, [key]: { name, columns, rows: [], createDate: env.now().toISOString() } };
  database.tables[name] = 0;
  env.changed();
}

/** Existing rows get NULL in the new columns. */
export function addColumns(env: ExecEnv, statement: AlterTableAddStatement): void {
  const { table } = tableOf(env, statement.table);
  const added = columnsOf(statement);
  for (const column of added) {
    if ([...table.columns, ...added].filter((c) => c.name.toLowerCase() === column.name.toLowerCase()).length > 1) {
      throw new SqlError(2705, `Column names in each table must be unique. Column name '${column.name}' in table '${table.name}' is specified more than once.`);
    }
    if (!column.nullable && table.rows.length > 0) {
      throw new SqlError(
        4901,
        `ALTER TABLE only allows columns to be added that can contain nulls, or have a DEFAULT definition specified, or the column being added is an identity or timestamp column, or alternatively if none of the previous conditions are satisfied the table must be empty to allow addition of this column. Column '${column.name}' cannot be added to non-empty table '${table.name}' because it does not satisfy these conditions.`,
      );
    }
  }
  table.columns.push(...added);
  for (const row of table.rows) row.push(...added.map(() => null));
  env.changed();
}

export function dropTable(env: ExecEnv, statement: DropTableStatement): void {
  const { database, name } = target(env, statement.table);
  const table = database.userTables?.[name.toLowerCase()];
  if (!table) throw new SqlError(3701, `Cannot drop the table '${statement.table.join('.')}', because it does not exist or you do not have permission.`);
  const { [name.toLowerCase()]: _dropped, ...rest } = database.userTables!;
  database.userTables = rest;
  delete database.tables[table.name];
  env.changed();
}

function tableOf(env: ExecEnv, parts: string[]): { database: DatabaseState; table: UserTable; written: string } {
  const { database, name, written } = target(env, parts);
  const table = database.userTables?.[name.toLowerCase()];
  if (!table) throw new SqlError(208, `Invalid object name '${written}'.`);
  return { database, table, written };
}

const typeOf = (column: UserTable['columns'][number]): SqlType => sqlTypeOf({ name: column.type, params: column.params }, 1);

/** Rows of values already evaluated in the statement's scope, one array per VALUES row. */
export function insertRows(env: ExecEnv, statement: InsertStatement, values: Typed[][]): number {
  const { database, table, written } = tableOf(env, statement.table);
  const indexes = statement.columns.map((name) => {
    const index = table.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (index === -1) throw new SqlError(207, `Invalid column name '${name}'.`);
    return index;
  });
  const rows = values.map((row) => {
    if (row.length < indexes.length)
      throw new SqlError(
        109,
        'There are more columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.',
      );
    if (row.length > indexes.length)
      throw new SqlError(
        110,
        'There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.',
      );
    const stored: UserTable['rows'][number] = table.columns.map(() => null);
    indexes.forEach((column, i) => {
      stored[column] = jsonSafe(convert(row[i]!, typeOf(table.columns[column]!)));
    });
    table.columns.forEach((column, i) => {
      if (!column.nullable && stored[i] === null) {
        throw new SqlError(515, `Cannot insert the value NULL into column '${column.name}', table '${written}'; column does not allow nulls. INSERT fails.`, {
          state: 2,
        });
      }
    });
    return stored;
  });
  table.rows.push(...rows);
  database.tables[table.name] = table.rows.length;
  env.changed();
  return rows.length;
}

function jsonSafe(value: SqlValue): UserTable['rows'][number][number] {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return value;
}

/** The table as the catalog reads it. */
export function userTableRelation(database: DatabaseState, name: string): Relation | undefined {
  const table = database.userTables?.[name.toLowerCase()];
  if (!table) return undefined;
  const types = table.columns.map(typeOf);
  return {
    columns: table.columns.map((c, i) => ({ name: c.name, sqlType: types[i]!, nullable: c.nullable })),
    rows: table.rows.map((row) =>
      row.map((value, i): SqlValue => {
        const type = types[i]!.type;
        if (value === null) return null;
        if (type === 'datetime' || type === 'datetime2' || type === 'datetimeoffset') return new Date(value as string);
        if (type === 'varbinary' || type === 'binary') return Buffer.from(value as string, 'hex');
        return value;
      }),
    ),
  };
}
