// Bounds-checked little-endian reader over a received message: running past the end is a
// protocol error (malformed message), never an out-of-range read.

import { TdsProtocolError } from './protocol-error.js';

export class ByteReader {
  offset: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private take(bytes: number): number {
    if (bytes < 0 || this.offset + bytes > this.buffer.length) {
      throw new TdsProtocolError(`message truncated: wanted ${bytes} bytes at offset ${this.offset} of ${this.buffer.length}`);
    }
    const at = this.offset;
    this.offset += bytes;
    return at;
  }

  u8(): number {
    return this.buffer.readUInt8(this.take(1));
  }

  u16(): number {
    return this.buffer.readUInt16LE(this.take(2));
  }

  u16be(): number {
    return this.buffer.readUInt16BE(this.take(2));
  }

  i16(): number {
    return this.buffer.readInt16LE(this.take(2));
  }

  u32(): number {
    return this.buffer.readUInt32LE(this.take(4));
  }

  u32be(): number {
    return this.buffer.readUInt32BE(this.take(4));
  }

  i32(): number {
    return this.buffer.readInt32LE(this.take(4));
  }

  i64(): bigint {
    return this.buffer.readBigInt64LE(this.take(8));
  }

  u64(): bigint {
    return this.buffer.readBigUInt64LE(this.take(8));
  }

  f32(): number {
    return this.buffer.readFloatLE(this.take(4));
  }

  f64(): number {
    return this.buffer.readDoubleLE(this.take(8));
  }

  uintN(bytes: number): number {
    return this.buffer.readUIntLE(this.take(bytes), bytes);
  }

  bytes(count: number): Buffer {
    const at = this.take(count);
    return this.buffer.subarray(at, at + count);
  }

  ucs2(chars: number): string {
    return this.bytes(chars * 2).toString('utf16le');
  }

  bVarchar(): string {
    return this.ucs2(this.u8());
  }

  usVarchar(): string {
    return this.ucs2(this.u16());
  }

  skip(bytes: number): void {
    this.take(bytes);
  }
}
