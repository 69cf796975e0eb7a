// What an RPC asks the instance to run. sp_executesql becomes its @statement with the declared
// parameters; sp_prepare / sp_prepexec / sp_execute / sp_unprepare keep the session's prepared
// statements by handle (sp_prepare (Transact-SQL), sp_execute, sp_prepexec, sp_unprepare on
// learn.microsoft.com); any other procedure becomes `EXEC name @a = @a, …` with the parameters by
// name, so the SQL side answers it (or says it does not exist) like any other statement.

import type { Column, SqlMessage, SqlValue } from './handler.js';
import type { RpcParameter } from './requests.js';

/** An OUTPUT parameter: where its RETURNVALUE goes (ParamOrdinal) and as what type. */
export interface OutputParameter {
  ordinal: number;
  name: string;
  column: Column;
}

export interface ReturnValue {
  ordinal: number;
  name: string;
  column: Column;
  value: SqlValue;
}

export type RpcPlan =
  | {
      ok: true;
      /** Absent for calls that only register or drop a prepared statement. */
      run?: { sql: string; params: Map<string, SqlValue>; outputs: OutputParameter[] };
      /** Values the wire layer returns itself (a new prepared handle). */
      returnValues: ReturnValue[];
    }
  | { ok: false; error: SqlMessage };

interface Prepared {
  declarations: string;
  sql: string;
}

const HANDLE_COLUMN: Column = { name: '', sqlType: { type: 'int' }, nullable: true };

function fail(number: number, message: string, state = 1): RpcPlan {
  return { ok: false, error: { number, state, class: 16, line: 1, message } };
}

function procedureName(name: string): string {
  return (name.split('.').pop() ?? '').replace(/^\[|\]$/g, '').toLowerCase();
}

function text(parameter: RpcParameter | undefined): string | undefined {
  return typeof parameter?.value === 'string' ? parameter.value : undefined;
}

/** Binds the parameters after the statement to the names the declaration list gives them. */
function bind(declarations: string, rest: RpcParameter[], firstOrdinal: number): { params: Map<string, SqlValue>; outputs: OutputParameter[] } {
  const declared = declarations.match(/@[\w@#$]+/g) ?? [];
  const params = new Map<string, SqlValue>();
  const outputs: OutputParameter[] = [];
  rest.forEach((p, i) => {
    const name = p.name || declared[i] || `@P${i + 1}`;
    params.set(name, p.value);
    if (p.output) outputs.push({ ordinal: firstOrdinal + i, name, column: { name, sqlType: p.sqlType, nullable: true } });
  });
  return { params, outputs };
}

/** One session's prepared statements (SQL Server keeps them per connection). */
export class PreparedStatements {
  private readonly statements = new Map<number, Prepared>();
  private nextHandle = 1;

  plan(procedure: string, parameters: RpcParameter[]): RpcPlan {
    switch (procedureName(procedure)) {
      case 'sp_executesql': {
        const [statement, declaration, ...rest] = parameters;
        const sql = text(statement);
        if (sql === undefined) return fail(214, "Procedure expects parameter '@statement' of type 'ntext/nchar/nvarchar'.", 2);
        return { ok: true, run: { sql, ...bind(text(declaration) ?? '', rest, 2) }, returnValues: [] };
      }
      case 'sp_prepare':
      case 'sp_prepexec': {
        const [handle, declaration, statement, ...rest] = parameters;
        const sql = text(statement);
        if (sql === undefined) return fail(214, "Procedure expects parameter '@stmt' of type 'ntext/nchar/nvarchar'.", 2);
        const id = this.nextHandle++;
        const declarations = text(declaration) ?? '';
        this.statements.set(id, { declarations, sql });
        const returnValues = [{ ordinal: 0, name: handle?.name ?? '', column: HANDLE_COLUMN, value: id }];
        // sp_prepare's fourth parameter is @options, not a statement parameter.
        if (procedureName(procedure) === 'sp_prepare') return { ok: true, returnValues };
        return { ok: true, run: { sql, ...bind(declarations, rest, 3) }, returnValues };
      }
      case 'sp_execute': {
        const [handle, ...rest] = parameters;
        const prepared = this.statements.get(Number(handle?.value));
        if (!prepared) return fail(8179, `Could not find prepared statement with handle ${String(handle?.value ?? 'NULL')}.`, 4);
        return { ok: true, run: { sql: prepared.sql, ...bind(prepared.declarations, rest, 1) }, returnValues: [] };
      }
      case 'sp_unprepare': {
        const id = Number(parameters[0]?.value);
        if (!this.statements.delete(id)) return fail(8179, `Could not find prepared statement with handle ${String(parameters[0]?.value ?? 'NULL')}.`, 4);
        return { ok: true, returnValues: [] };
      }
      default:
        return { ok: true, run: { sql: execText(procedure, parameters), params: byName(parameters), outputs: [] }, returnValues: [] };
    }
  }

  /** RESETCONNECTION: a reused pooled connection starts without the previous user's handles. */
  clear(): void {
    this.statements.clear();
  }
}

function execText(procedure: string, parameters: RpcParameter[]): string {
  const args = parameters.map((p, i) => {
    const name = p.name || `@P${i + 1}`;
    return p.name ? `${name} = ${name}` : name;
  });
  return args.length ? `EXEC ${procedure} ${args.join(', ')}` : `EXEC ${procedure}`;
}

function byName(parameters: RpcParameter[]): Map<string, SqlValue> {
  return new Map(parameters.map((p, i) => [p.name || `@P${i + 1}`, p.value]));
}
