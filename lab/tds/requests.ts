// Request messages after login: SQL_BATCH (2.2.6.7), RPC (2.2.6.6) and TRANSACTION_MANAGER
// (2.2.6.9). Each starts with ALL_HEADERS (2.2.5.3), which the lab reads past.

import type { SqlMessage, SqlValue } from './handler.js';
import { ByteReader } from './byte-reader.js';
import { TdsProtocolError } from './protocol-error.js';
import { UnsupportedTypeError, readTypeInfo } from './type-decoders.js';

function skipAllHeaders(payload: Buffer): ByteReader {
  const reader = new ByteReader(payload);
  const total = reader.u32();
  if (total < 4 || total > payload.length) throw new TdsProtocolError(`ALL_HEADERS length ${total} invalid`);
  reader.offset = total;
  return reader;
}

export function parseSqlBatch(payload: Buffer): string {
  const reader = skipAllHeaders(payload);
  if (reader.remaining % 2 !== 0) throw new TdsProtocolError('SQL_BATCH text has an odd byte count');
  return reader.bytes(reader.remaining).toString('utf16le');
}

export type RpcRequest =
  | { ok: true; sql: string; params: Map<string, SqlValue> }
  | { ok: false; error: SqlMessage };

const SP_EXECUTESQL_ID = 10;
const PROC_NAMES: Record<number, string> = {
  1: 'sp_cursor', 2: 'sp_cursoropen', 3: 'sp_cursorprepare', 4: 'sp_cursorexecute', 5: 'sp_cursorprepexec',
  6: 'sp_cursorunprepare', 7: 'sp_cursorfetch', 8: 'sp_cursoroption', 9: 'sp_cursorclose', 10: 'sp_executesql',
  11: 'sp_prepare', 12: 'sp_execute', 13: 'sp_prepexec', 14: 'sp_prepexecrpc', 15: 'sp_unprepare',
};

interface RpcParameter {
  name: string;
  output: boolean;
  value: SqlValue;
}

/** sp_executesql (by ProcID 10 or by name) becomes its @statement with the declared parameters;
 * any other procedure becomes the text `EXEC name @a = @a, …` with the parameters by name, so the
 * SQL side answers it (or says it does not exist) like any other statement. */
export function parseRpc(payload: Buffer): RpcRequest {
  const reader = skipAllHeaders(payload);
  const nameLength = reader.u16();
  const procName = nameLength === 0xffff ? (PROC_NAMES[reader.u16()] ?? 'sp_unknown') : reader.ucs2(nameLength);
  reader.u16();
  const parameters: RpcParameter[] = [];
  while (reader.remaining > 0) {
    const name = reader.bVarchar();
    const output = (reader.u8() & 0x01) !== 0;
    try {
      parameters.push({ name, output, value: readTypeInfo(reader)(reader) });
    } catch (error) {
      if (!(error instanceof UnsupportedTypeError)) throw error;
      const message = `The incoming tabular data stream (TDS) remote procedure call (RPC) protocol stream is incorrect. Parameter ${parameters.length + 1} ("${name}"): ${error.message}`;
      return { ok: false, error: { number: 8009, state: 1, class: 16, line: 1, message } };
    }
  }
  if (isExecuteSql(procName)) return executeSql(parameters);
  return { ok: true, sql: execText(procName, parameters), params: byName(parameters) };
}

function isExecuteSql(name: string): boolean {
  const last = name.split('.').pop() ?? '';
  return last.replace(/^\[|\]$/g, '').toLowerCase() === 'sp_executesql';
}

function executeSql(parameters: RpcParameter[]): RpcRequest {
  const [statement, declaration, ...rest] = parameters;
  if (!statement || typeof statement.value !== 'string') {
    return { ok: false, error: { number: 214, state: 2, class: 16, line: 1, message: "Procedure expects parameter '@statement' of type 'ntext/nchar/nvarchar'." } };
  }
  const declaredNames = typeof declaration?.value === 'string' ? declaration.value.match(/@[\w@#$]+/g) ?? [] : [];
  const named = rest.map((p, i) => ({ ...p, name: p.name || declaredNames[i] || `@P${i + 1}` }));
  return { ok: true, sql: statement.value, params: byName(named) };
}

function execText(procName: string, parameters: RpcParameter[]): string {
  const args = parameters.map((p, i) => {
    const name = p.name || `@P${i + 1}`;
    return p.name ? `${name} = ${name}` : name;
  });
  return args.length ? `EXEC ${procName} ${args.join(', ')}` : `EXEC ${procName}`;
}

function byName(parameters: RpcParameter[]): Map<string, SqlValue> {
  return new Map(parameters.map((p, i) => [p.name || `@P${i + 1}`, p.value]));
}

export type TransactionOp = 'begin' | 'commit' | 'rollback' | 'save';

const TM_REQUESTS: Record<number, TransactionOp> = { 5: 'begin', 7: 'commit', 8: 'rollback', 9: 'save' };

/** TM_BEGIN_XACT / COMMIT / ROLLBACK / SAVE; other requests (DTC) are not supported. */
export function parseTransactionRequest(payload: Buffer): TransactionOp | undefined {
  const reader = skipAllHeaders(payload);
  return TM_REQUESTS[reader.u16()];
}
