// Growable little-endian byte buffer for building tokens and messages.

export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.alloc(initialSize);
  }

  get size(): number {
    return this.length;
  }

  /** Returns the write offset. Call it before reading `this.buffer`: it may replace the buffer. */
  private reserve(bytes: number): number {
    const at = this.length;
    const needed = at + bytes;
    if (needed > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, at);
      this.buffer = grown;
    }
    this.length = needed;
    return at;
  }

  u8(value: number): this {
    const at = this.reserve(1);
    this.buffer.writeUInt8(value & 0xff, at);
    return this;
  }

  u16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeUInt16LE(value & 0xffff, at);
    return this;
  }

  u16be(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeUInt16BE(value & 0xffff, at);
    return this;
  }

  i16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeInt16LE(value, at);
    return this;
  }

  u32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeUInt32LE(value >>> 0, at);
    return this;
  }

  u32be(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeUInt32BE(value >>> 0, at);
    return this;
  }

  i32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeInt32LE(value, at);
    return this;
  }

  i64(value: bigint): this {
    const at = this.reserve(8);
    this.buffer.writeBigInt64LE(value, at);
    return this;
  }

  u64(value: bigint): this {
    const at = this.reserve(8);
    this.buffer.writeBigUInt64LE(value, at);
    return this;
  }

  f32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeFloatLE(value, at);
    return this;
  }

  f64(value: number): this {
    const at = this.reserve(8);
    this.buffer.writeDoubleLE(value, at);
    return this;
  }

  /** Unsigned little-endian integer of `bytes` bytes (up to 6, the widest JS number allows). */
  uintN(value: number, bytes: number): this {
    const at = this.reserve(bytes);
    this.buffer.writeUIntLE(value, at, bytes);
    return this;
  }

  bytes(data: Uint8Array): this {
    const at = this.reserve(data.length);
    this.buffer.set(data, at);
    return this;
  }

  ucs2(text: string): this {
    const at = this.reserve(Buffer.byteLength(text, 'utf16le'));
    this.buffer.write(text, at, 'utf16le');
    return this;
  }

  /** B_VARCHAR: 1-byte character count + UTF-16LE. Longer text is cut rather than corrupting the stream. */
  bVarchar(text: string): this {
    const fitted = text.slice(0, 0xff);
    return this.u8(fitted.length).ucs2(fitted);
  }

  /** US_VARCHAR: 2-byte character count + UTF-16LE. Longer text is cut rather than corrupting the stream. */
  usVarchar(text: string): this {
    const fitted = text.slice(0, 0xffff);
    return this.u16(fitted.length).ucs2(fitted);
  }

  /** B_VARBYTE: 1-byte length + bytes. */
  bVarbyte(data: Uint8Array): this {
    return this.u8(data.length).bytes(data);
  }

  /** Overwrites a 16-bit little-endian value already written (length prefixes). */
  patchU16(at: number, value: number): this {
    this.buffer.writeUInt16LE(value, at);
    return this;
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
