// The byte stream a server-side TLSSocket runs over. For TLS inside PRELOGIN (TDS 7.x) the
// handshake travels in PRELOGIN packets: incoming packet payloads are unwrapped and each outgoing
// flight is wrapped in one PRELOGIN message (tedious reads exactly one message per flight). The
// switch to raw TLS records happens on the first incoming bytes that are not a PRELOGIN packet
// (the encrypted LOGIN7) — not on 'secure', which Node emits before writing its final flight.
// For TDS 8.0 the shim is raw from the start.

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { DEFAULT_PACKET_SIZE, HEADER_LENGTH, PacketCounter, PacketType, toPackets } from './packet.js';
import { TdsProtocolError } from './protocol-error.js';

export class TlsShim extends Duplex {
  private wrapped: boolean;
  private detached = false;
  private incomingPending: Buffer = Buffer.alloc(0);
  private flight: Buffer[] = [];
  private flushScheduled = false;
  private readonly counter = new PacketCounter();

  constructor(
    private readonly socket: Socket,
    options: { wrapHandshake: boolean },
  ) {
    super();
    this.wrapped = options.wrapHandshake;
  }

  /** Bytes from the network. Throws TdsProtocolError on a malformed PRELOGIN wrapper. */
  incoming(chunk: Buffer): void {
    if (this.detached) return;
    if (!this.wrapped) {
      this.push(chunk);
      return;
    }
    let pending = this.incomingPending.length ? Buffer.concat([this.incomingPending, chunk]) : chunk;
    while (pending.length > 0) {
      if (pending[0] !== PacketType.prelogin) {
        this.flushFlight();
        this.wrapped = false;
        this.push(pending);
        pending = Buffer.alloc(0);
        break;
      }
      if (pending.length < HEADER_LENGTH) break;
      const length = pending.readUInt16BE(2);
      if (length < HEADER_LENGTH) throw new TdsProtocolError(`PRELOGIN packet length ${length} shorter than its header`);
      if (pending.length < length) break;
      this.push(pending.subarray(HEADER_LENGTH, length));
      pending = pending.subarray(length);
    }
    this.incomingPending = Buffer.from(pending);
  }

  /** Login-only encryption: TLS is abandoned after LOGIN7; the shim must not touch the socket again. */
  detach(): void {
    this.detached = true;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.detached || this.socket.destroyed) return callback();
    if (!this.wrapped) {
      this.socket.write(chunk);
      return callback();
    }
    this.flight.push(chunk);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushFlight());
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushFlight();
    if (!this.detached) this.socket.end();
    callback();
  }

  private flushFlight(): void {
    this.flushScheduled = false;
    if (this.flight.length === 0 || this.detached || this.socket.destroyed) return;
    const payload = Buffer.concat(this.flight);
    this.flight = [];
    for (const packet of toPackets(PacketType.prelogin, payload, { packetSize: DEFAULT_PACKET_SIZE, spid: 0, counter: this.counter, endOfMessage: true })) {
      this.socket.write(packet);
    }
  }
}
