// PRELOGIN (MS-TDS 2.2.6.5): an option table (token, offset BE, length BE), 0xFF, then the data.

import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { TdsProtocolError } from './protocol-error.js';

export const Encryption = { off: 0, on: 1, notSupported: 2, required: 3 } as const;
export type EncryptionByte = (typeof Encryption)[keyof typeof Encryption];

const Option = { version: 0x00, encryption: 0x01, instOpt: 0x02, threadId: 0x03, mars: 0x04, terminator: 0xff } as const;

export interface PreloginRequest {
  /** The client's ENCRYPTION byte without the client-certificate flag; NOT_SUP when absent. */
  encryption: number;
}

export function parsePrelogin(payload: Buffer): PreloginRequest {
  const reader = new ByteReader(payload);
  let encryption: number = Encryption.notSupported;
  for (let token = reader.u8(); token !== Option.terminator; token = reader.u8()) {
    const offset = reader.u16be();
    const length = reader.u16be();
    if (offset + length > payload.length) throw new TdsProtocolError('PRELOGIN option points past the message');
    if (token === Option.encryption && length >= 1) encryption = payload.readUInt8(offset) & 0x0f;
  }
  return { encryption };
}

/** What the server answers to the client's ENCRYPTION byte, given that it has a certificate. */
export function answerEncryption(client: number): EncryptionByte {
  if (client === Encryption.on || client === Encryption.required) return Encryption.on;
  if (client === Encryption.off) return Encryption.off;
  return Encryption.notSupported;
}

export function buildPreloginReply(version: { major: number; minor: number; build: number }, encryption: EncryptionByte): Buffer {
  const options: Array<[number, Buffer]> = [
    [Option.version, new ByteWriter(6).u8(version.major).u8(version.minor).u16be(version.build).u16(0).toBuffer()],
    [Option.encryption, Buffer.from([encryption])],
    [Option.instOpt, Buffer.from([0])],
    [Option.threadId, Buffer.alloc(0)],
    [Option.mars, Buffer.from([0])],
  ];
  const table = new ByteWriter();
  let offset = options.length * 5 + 1;
  for (const [token, data] of options) {
    table.u8(token).u16be(offset).u16be(data.length);
    offset += data.length;
  }
  table.u8(Option.terminator);
  for (const [, data] of options) table.bytes(data);
  return table.toBuffer();
}
