// CREATE TABLE with a column list (type and NULL / NOT NULL), ALTER TABLE … ADD columns, DROP TABLE
// and INSERT … VALUES: what a tool needs to keep a small table of its own in msdb. Constraints,
// defaults, computed columns, other ALTER TABLE actions and INSERT … SELECT are not modelled: they
// fail with Msg 102 near the token.
// https://learn.microsoft.com/sql/t-sql/statements/create-table-transact-sql
// https://learn.microsoft.com/sql/t-sql/statements/alter-table-transact-sql
// https://learn.microsoft.com/sql/t-sql/statements/drop-table-transact-sql
// https://learn.microsoft.com/sql/t-sql/statements/insert-transact-sql
import type { AlterTableAddStatement, CreateTableStatement, DropTableStatement, Expr, InsertStatement } from './ast.js';
import type { Cursor } from './cursor.js';
import { expression } from './parse-expression.js';

function columnDefinitions(c: Cursor): CreateTableStatement['columns'] {
  const columns: CreateTableStatement['columns'] = [];
  do {
    const name = c.identifier();
    const type = c.dataType();
    let nullable = true;
    if (c.acceptWord('NOT')) {
      c.expectWord('NULL');
      nullable = false;
    } else c.acceptWord('NULL');
    columns.push({ name, type, nullable });
  } while (c.acceptOp(','));
  return columns;
}

export function parseCreateTable(c: Cursor, line: number): CreateTableStatement {
  c.expectWord('TABLE');
  const table = c.multipartName();
  c.expectOp('(');
  const columns = columnDefinitions(c);
  c.expectOp(')');
  return { kind: 'createTable', line, table, columns };
}

export function parseAlterTableAdd(c: Cursor, line: number): AlterTableAddStatement {
  c.expectWord('TABLE');
  const table = c.multipartName();
  c.expectWord('ADD');
  return { kind: 'alterTableAdd', line, table, columns: columnDefinitions(c) };
}

export function parseDropTable(c: Cursor, line: number): DropTableStatement {
  c.expectWord('TABLE');
  return { kind: 'dropTable', line, table: c.multipartName() };
}

export function parseInsert(c: Cursor): InsertStatement {
  const line = c.peek().line;
  c.expectWord('INSERT');
  c.acceptWord('INTO');
  const table = c.multipartName();
  c.expectOp('(');
  const columns: string[] = [];
  do columns.push(c.identifier());
  while (c.acceptOp(','));
  c.expectOp(')');
  c.expectWord('VALUES');
  const rows: Expr[][] = [];
  do {
    c.expectOp('(');
    const row: Expr[] = [];
    do row.push(expression(c));
    while (c.acceptOp(','));
    c.expectOp(')');
    rows.push(row);
  } while (c.acceptOp(','));
  return { kind: 'insert', line, table, columns, rows };
}
