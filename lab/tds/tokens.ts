// Token writers for the server's tabular-result stream (MS-TDS 2.2.7).

import type { Column, SqlMessage, SqlValue } from './handler.js';
import { ByteWriter } from './byte-writer.js';
import { writeTypeInfo, writeValue } from './type-encoders.js';

export const Token = {
  returnStatus: 0x79,
  colMetadata: 0x81,
  error: 0xaa,
  info: 0xab,
  loginAck: 0xad,
  row: 0xd1,
  envChange: 0xe3,
  done: 0xfd,
  doneProc: 0xfe,
  doneInProc: 0xff,
} as const;

export const DoneStatus = { final: 0x00, more: 0x01, error: 0x02, inXact: 0x04, count: 0x10, attention: 0x20, serverError: 0x100 } as const;

export const CurCmd = { select: 0xc1, insert: 0xc3, delete: 0xc4, update: 0xc5, execute: 0xe0, other: 0x00 } as const;

export const EnvChangeType = {
  database: 1,
  language: 2,
  packetSize: 4,
  sqlCollation: 7,
  beginTransaction: 8,
  commitTransaction: 9,
  rollbackTransaction: 10,
  resetConnectionAck: 18,
} as const;

/** Writes `body` after the token byte with its 2-byte length prefix. */
function withLength(w: ByteWriter, token: number, body: (w: ByteWriter) => void): void {
  w.u8(token);
  const at = w.size;
  w.u16(0);
  body(w);
  w.patchU16(at, w.size - at - 2);
}

export function writeDone(w: ByteWriter, token: number, status: number, curCmd: number, rowCount: number): void {
  w.u8(token).u16(status).u16(curCmd).u64(BigInt(rowCount));
}

export function writeMessage(w: ByteWriter, message: SqlMessage, serverName: string): void {
  withLength(w, message.class <= 10 ? Token.info : Token.error, (b) =>
    b.u32(message.number).u8(message.state).u8(message.class).usVarchar(message.message)
      .bVarchar(serverName).bVarchar(message.procName ?? '').u32(message.line));
}

/** ENVCHANGE with B_VARCHAR new/old values (database, language, packet size). */
export function writeEnvChangeText(w: ByteWriter, type: number, newValue: string, oldValue: string): void {
  withLength(w, Token.envChange, (b) => b.u8(type).bVarchar(newValue).bVarchar(oldValue));
}

/** ENVCHANGE with B_VARBYTE new/old values (collation, transaction descriptors, reset ack). */
export function writeEnvChangeBytes(w: ByteWriter, type: number, newValue: Uint8Array, oldValue: Uint8Array): void {
  withLength(w, Token.envChange, (b) => b.u8(type).bVarbyte(newValue).bVarbyte(oldValue));
}

export function writeLoginAck(w: ByteWriter, version: { major: number; minor: number; build: number }): void {
  withLength(w, Token.loginAck, (b) =>
    // TDS version is big-endian here although LOGIN7 sends it little-endian.
    b.u8(1).u32be(0x74000004).bVarchar('Microsoft SQL Server')
      .u8(version.major).u8(version.minor).u8(version.build >> 8).u8(version.build & 0xff));
}

export function writeColMetadata(w: ByteWriter, columns: Column[]): void {
  w.u8(Token.colMetadata).u16(columns.length);
  for (const column of columns) {
    w.u32(0).u16(column.nullable ? 0x0001 : 0x0000);
    writeTypeInfo(w, column.sqlType);
    w.bVarchar(column.name);
  }
}

export function writeRow(w: ByteWriter, columns: Column[], row: SqlValue[]): void {
  w.u8(Token.row);
  columns.forEach((column, i) => writeValue(w, column.sqlType, row[i] ?? null));
}

export function writeReturnStatus(w: ByteWriter, status: number): void {
  w.u8(Token.returnStatus).i32(status);
}
