// The token streams that answer LOGIN7: what SQL Server sends on success, and the handler's error
// (18456 "Login failed for user …") on failure.

import type { SqlMessage } from './handler.js';
import { ByteWriter } from './byte-writer.js';
import { SQL_LATIN1_GENERAL_CP1_CI_AS } from './collation.js';
import { CurCmd, DoneStatus, EnvChangeType, Token, writeDone, writeEnvChangeBytes, writeEnvChangeText, writeLoginAck, writeMessage } from './tokens.js';

export function loginSuccessTokens(options: {
  database: string;
  packetSize: number;
  serverName: string;
  version: { major: number; minor: number; build: number };
  tdsVersion: number;
}): Buffer {
  const w = new ByteWriter(512);
  const info = (number: number, state: number, message: string) => writeMessage(w, { number, state, class: 0, message, line: 0 }, options.serverName);
  writeEnvChangeText(w, EnvChangeType.database, options.database, 'master');
  info(5701, 2, `Changed database context to '${options.database}'.`);
  writeEnvChangeBytes(w, EnvChangeType.sqlCollation, SQL_LATIN1_GENERAL_CP1_CI_AS, Buffer.alloc(0));
  writeEnvChangeText(w, EnvChangeType.language, 'us_english', '');
  info(5703, 1, 'Changed language setting to us_english.');
  writeLoginAck(w, options.version, options.tdsVersion);
  // Packet size travels as a decimal string, not an integer.
  writeEnvChangeText(w, EnvChangeType.packetSize, String(options.packetSize), '4096');
  writeDone(w, Token.done, DoneStatus.final, CurCmd.other, 0, options.tdsVersion);
  return w.toBuffer();
}

export function loginFailureTokens(error: SqlMessage, serverName: string, tdsVersion: number, before: SqlMessage[] = []): Buffer {
  const w = new ByteWriter(256);
  for (const message of before) writeMessage(w, message, serverName);
  writeMessage(w, { ...error, class: Math.max(error.class, 11) }, serverName);
  writeDone(w, Token.done, DoneStatus.error, CurCmd.other, 0, tdsVersion);
  return w.toBuffer();
}
