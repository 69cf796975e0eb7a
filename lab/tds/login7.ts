// LOGIN7 (MS-TDS 2.2.6.4): the fixed part, then offset/length pairs pointing at UTF-16LE strings.

import { ByteReader } from './byte-reader.js';
import { TdsProtocolError } from './protocol-error.js';

export interface Login7 {
  tdsVersion: number;
  /** Requested packet size; 0 means "the server's default". */
  packetSize: number;
  hostName: string;
  userName: string;
  password: string;
  appName: string;
  serverName: string;
  clientLibrary: string;
  language: string;
  database: string;
}

const FIXED_LENGTH = 94;

export function parseLogin7(payload: Buffer): Login7 {
  if (payload.length < FIXED_LENGTH) throw new TdsProtocolError('LOGIN7 shorter than its fixed part');
  const reader = new ByteReader(payload);
  const length = reader.u32();
  if (length > payload.length) throw new TdsProtocolError('LOGIN7 length exceeds the message');
  const tdsVersion = reader.u32();
  const packetSize = reader.u32();
  const field = (at: number, transform?: (bytes: Buffer) => Buffer): string => {
    const offset = payload.readUInt16LE(at);
    const chars = payload.readUInt16LE(at + 2);
    if (chars === 0) return '';
    if (offset + chars * 2 > payload.length) throw new TdsProtocolError(`LOGIN7 field at ${at} points past the message`);
    const bytes = payload.subarray(offset, offset + chars * 2);
    return (transform ? transform(bytes) : bytes).toString('utf16le');
  };
  return {
    tdsVersion,
    packetSize,
    hostName: field(36),
    userName: field(40),
    password: field(44, deobfuscatePassword),
    appName: field(48),
    serverName: field(52),
    clientLibrary: field(60),
    language: field(64),
    database: field(68),
  };
}

/** Clients XOR every byte with 0xA5 after swapping its nibbles; undo both. */
export function deobfuscatePassword(bytes: Buffer): Buffer {
  const plain = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]! ^ 0xa5;
    plain[i] = ((b << 4) & 0xf0) | (b >> 4);
  }
  return plain;
}
