// Request messages after login: SQL_BATCH (2.2.6.7), RPC (2.2.6.6) and TRANSACTION_MANAGER
// (2.2.6.9). From TDS 7.2 on each starts with ALL_HEADERS (2.2.5.3), which the lab reads past;
// a TDS 7.1 client sends none.

import type { SqlMessage, SqlType, SqlValue } from './handler.js';
import { ByteReader } from './byte-reader.js';
import { TdsProtocolError } from './protocol-error.js';
import { UnsupportedTypeError, readParameterType } from './type-decoders.js';
import { hasAllHeaders } from './tds-version.js';

function afterAllHeaders(payload: Buffer, tdsVersion: number): ByteReader {
  const reader = new ByteReader(payload);
  if (!hasAllHeaders(tdsVersion)) return reader;
  const total = reader.u32();
  if (total < 4 || total > payload.length) throw new TdsProtocolError(`ALL_HEADERS length ${total} invalid`);
  reader.offset = total;
  return reader;
}

export function parseSqlBatch(payload: Buffer, tdsVersion: number): string {
  const reader = afterAllHeaders(payload, tdsVersion);
  if (reader.remaining % 2 !== 0) throw new TdsProtocolError('SQL_BATCH text has an odd byte count');
  return reader.bytes(reader.remaining).toString('utf16le');
}

export interface RpcParameter {
  name: string;
  output: boolean;
  value: SqlValue;
  /** The type the client declared: what an OUTPUT parameter's value goes back as. */
  sqlType: SqlType;
}

export type RpcCall = { ok: true; procedure: string; parameters: RpcParameter[] } | { ok: false; error: SqlMessage };

/** Well-known procedures a client may call by ProcID instead of by name (2.2.6.6). */
const PROC_NAMES: Record<number, string> = {
  1: 'sp_cursor',
  2: 'sp_cursoropen',
  3: 'sp_cursorprepare',
  4: 'sp_cursorexecute',
  5: 'sp_cursorprepexec',
  6: 'sp_cursorunprepare',
  7: 'sp_cursorfetch',
  8: 'sp_cursoroption',
  9: 'sp_cursorclose',
  10: 'sp_executesql',
  11: 'sp_prepare',
  12: 'sp_execute',
  13: 'sp_prepexec',
  14: 'sp_prepexecrpc',
  15: 'sp_unprepare',
};

export function parseRpc(payload: Buffer, tdsVersion: number): RpcCall {
  const reader = afterAllHeaders(payload, tdsVersion);
  const nameLength = reader.u16();
  const procedure = nameLength === 0xffff ? (PROC_NAMES[reader.u16()] ?? 'sp_unknown') : reader.ucs2(nameLength);
  reader.u16();
  const parameters: RpcParameter[] = [];
  while (reader.remaining > 0) {
    const name = reader.bVarchar();
    const output = (reader.u8() & 0x01) !== 0;
    try {
      const { read, sqlType } = readParameterType(reader);
      parameters.push({ name, output, value: read(reader), sqlType });
    } catch (error) {
      if (!(error instanceof UnsupportedTypeError)) throw error;
      const message = `The incoming tabular data stream (TDS) remote procedure call (RPC) protocol stream is incorrect. Parameter ${parameters.length + 1} ("${name}"): ${error.message}`;
      return { ok: false, error: { number: 8009, state: 1, class: 16, line: 1, message } };
    }
  }
  return { ok: true, procedure, parameters };
}

export type TransactionOp = 'begin' | 'commit' | 'rollback' | 'save';

export interface TransactionRequest {
  op: TransactionOp;
  /** TM_COMMIT_XACT / TM_ROLLBACK_XACT with fBeginXact: a new transaction starts at once (how
   * ODBC drivers keep a manual-commit connection always inside one). */
  beginAfter: boolean;
}

const TM_REQUESTS: Record<number, TransactionOp> = { 5: 'begin', 7: 'commit', 8: 'rollback', 9: 'save' };

/** TM_BEGIN_XACT / COMMIT / ROLLBACK / SAVE; other requests (DTC) are not supported. */
export function parseTransactionRequest(payload: Buffer, tdsVersion: number): TransactionRequest | undefined {
  const reader = afterAllHeaders(payload, tdsVersion);
  const op = TM_REQUESTS[reader.u16()];
  if (!op) return undefined;
  let beginAfter = false;
  if ((op === 'commit' || op === 'rollback') && reader.remaining > 0) {
    reader.bVarchar();
    beginAfter = reader.remaining > 0 && (reader.u8() & 0x01) !== 0;
  }
  return { op, beginAfter };
}
