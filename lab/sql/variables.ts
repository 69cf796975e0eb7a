// The @variables of one batch: DECLARE, SET @v = …, SELECT @v = …, and sp_executesql parameters.
// Values are kept in the declared type, converted on assignment as SQL Server does.

import { SqlError } from '../errors.js';
import type { SqlType, SqlValue } from '../tds/handler.js';
import type { DeclareStatement } from './ast.js';
import type { SqlCatalog, Typed } from './catalog.js';
import { convert } from './convert.js';
import { evaluate } from './expression.js';
import { BIT, DATETIME, FLOAT, INT, nvarchar, sqlTypeOf, varbinary } from './types.js';

export class BatchVariables {
  private readonly values = new Map<string, Typed>();

  /** sp_executesql parameters arrive as JS values; their type follows the value. */
  constructor(params: Map<string, SqlValue> = new Map()) {
    for (const [name, value] of params) this.values.set(name.toLowerCase(), { value, type: typeOfValue(value) });
  }

  get(name: string): Typed | undefined {
    return this.values.get(name.toLowerCase());
  }

  /** DECLARE @a int = 1, @b nvarchar(128) … — Msg 134 when a name repeats in the batch. */
  declare(statement: DeclareStatement, catalog: SqlCatalog): void {
    for (const v of statement.variables) {
      const key = v.name.toLowerCase();
      if (this.values.has(key)) {
        throw new SqlError(
          134,
          `The variable name '${v.name}' has already been declared. Variable names must be unique within a query batch or stored procedure.`,
          { class: 15 },
        );
      }
      const type = sqlTypeOf(v.type, 1);
      this.values.set(key, { value: null, type });
      if (v.init) this.assign(v.name, evaluate(v.init, { catalog, sources: [], row: [] }));
    }
  }

  /** SET @v = … / SELECT @v = …: Msg 137 when @v was not declared. */
  assign(name: string, value: Typed): void {
    const key = name.toLowerCase();
    const current = this.values.get(key);
    if (!current) throw new SqlError(137, `Must declare the scalar variable "${name}".`, { class: 15 });
    this.values.set(key, { value: convert(value, current.type), type: current.type });
  }
}

function typeOfValue(value: SqlValue): SqlType {
  if (value === null) return nvarchar(4000);
  if (typeof value === 'string') return nvarchar(Math.max(value.length, 1));
  if (typeof value === 'boolean') return BIT;
  if (typeof value === 'bigint') return { type: 'bigint' };
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 2147483647 ? INT : FLOAT;
  if (Buffer.isBuffer(value)) return varbinary(Math.max(value.length, 1));
  return DATETIME;
}
