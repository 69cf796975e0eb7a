// Token writers for the server's tabular-result stream (MS-TDS 2.2.7).

import type { SqlMessage, SqlValue } from './handler.js';
import { ByteWriter } from './byte-writer.js';
import { writeTypeInfo, writeValue, type WireType } from './type-encoders.js';
import { TDS_7_4, isTds72OrLater } from './tds-version.js';

export const Token = {
  returnStatus: 0x79,
  returnValue: 0xac,
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

/** DoneRowCount is 8 bytes from TDS 7.2 on, 4 before (MS-TDS 2.2.7.6). */
export function writeDone(w: ByteWriter, token: number, status: number, curCmd: number, rowCount: number, tdsVersion = TDS_7_4): void {
  w.u8(token).u16(status).u16(curCmd);
  if (isTds72OrLater(tdsVersion)) w.u64(BigInt(rowCount));
  else w.u32(rowCount);
}

export function writeMessage(w: ByteWriter, message: SqlMessage, serverName: string): void {
  withLength(w, message.class <= 10 ? Token.info : Token.error, (b) =>
    b
      .u32(message.number)
      .u8(message.state)
      .u8(message.class)
      .usVarchar(message.message)
      .bVarchar(serverName)
      .bVarchar(message.procName ?? '')
      .u32(message.line),
  );
}

/** ENVCHANGE with B_VARCHAR new/old values (database, language, packet size). */
export function writeEnvChangeText(w: ByteWriter, type: number, newValue: string, oldValue: string): void {
  withLength(w, Token.envChange, (b) => b.u8(type).bVarchar(newValue).bVarchar(oldValue));
}

/** ENVCHANGE with B_VARBYTE new/old values (collation, transaction descriptors, reset ack). */
export function writeEnvChangeBytes(w: ByteWriter, type: number, newValue: Uint8Array, oldValue: Uint8Array): void {
  withLength(w, Token.envChange, (b) => b.u8(type).bVarbyte(newValue).bVarbyte(oldValue));
}

export function writeLoginAck(w: ByteWriter, version: { major: number; minor: number; build: number }, tdsVersion: number): void {
  withLength(w, Token.loginAck, (b) =>
    // TDS version is big-endian here although LOGIN7 sends it little-endian.
    b
      .u8(1)
      .u32be(tdsVersion)
      .bVarchar('Microsoft SQL Server')
      .u8(version.major)
      .u8(version.minor)
      .u8(version.build >> 8)
      .u8(version.build & 0xff),
  );
}

/** UserType is 4 bytes from TDS 7.2 on, 2 before (MS-TDS 2.2.7.4). */
function writeUserType(w: ByteWriter, tdsVersion: number): void {
  if (isTds72OrLater(tdsVersion)) w.u32(0);
  else w.u16(0);
}

/** A column as it goes on the wire (after down-level conversion for old clients). */
export interface WireColumn {
  name: string;
  sqlType: WireType;
  nullable: boolean;
}

export function writeColMetadata(w: ByteWriter, columns: WireColumn[], tdsVersion = TDS_7_4): void {
  w.u8(Token.colMetadata).u16(columns.length);
  for (const column of columns) {
    writeUserType(w, tdsVersion);
    w.u16(column.nullable ? 0x0001 : 0x0000);
    writeTypeInfo(w, column.sqlType);
    w.bVarchar(column.name);
  }
}

/** RETURNVALUE (MS-TDS 2.2.7.18): an OUTPUT parameter's value after the procedure ran. */
export function writeReturnValue(w: ByteWriter, ordinal: number, name: string, column: WireColumn, value: SqlValue, tdsVersion = TDS_7_4): void {
  w.u8(Token.returnValue).u16(ordinal).bVarchar(name).u8(0x01);
  writeUserType(w, tdsVersion);
  w.u16(0x0001);
  writeTypeInfo(w, column.sqlType);
  writeValue(w, column.sqlType, value);
}

export function writeRow(w: ByteWriter, columns: WireColumn[], row: SqlValue[]): void {
  w.u8(Token.row);
  columns.forEach((column, i) => writeValue(w, column.sqlType, row[i] ?? null));
}

export function writeReturnStatus(w: ByteWriter, status: number): void {
  w.u8(Token.returnStatus).i32(status);
}
