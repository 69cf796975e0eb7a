// Reassembles incoming bytes into TDS messages (the packets up to the one with EOM). Enforces the
// framing rules a well-behaved client keeps; anything else is a TdsProtocolError.

import { HEADER_LENGTH, PacketStatus, PacketType, isClientPacketType } from './packet.js';
import { OversizedMessage, TdsProtocolError } from './protocol-error.js';

export interface IncomingMessage {
  type: number;
  /** Status bits of the message's first packet (RESETCONNECTION lives there). */
  status: number;
  /** The client set IGNORE on the last packet: it abandoned the message. */
  ignored: boolean;
  payload: Buffer;
}

export class MessageAssembler {
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private messageType = -1;
  private messageStatus = 0;

  /** `maxMessageBytes` is read on every packet so a connection can raise it after login. */
  constructor(private readonly maxMessageBytes: () => number) {}

  /** Feeds bytes; returns the messages they complete, in order. */
  push(chunk: Buffer): IncomingMessage[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: IncomingMessage[] = [];
    while (this.pending.length >= HEADER_LENGTH) {
      const type = this.pending.readUInt8(0);
      const status = this.pending.readUInt8(1);
      const length = this.pending.readUInt16BE(2);
      if (!isClientPacketType(type)) throw new TdsProtocolError(`unknown packet type 0x${type.toString(16)}`);
      if (length < HEADER_LENGTH) throw new TdsProtocolError(`packet length ${length} shorter than its header`);
      if (this.messageType !== -1 && type !== this.messageType && type !== PacketType.attention) {
        throw new TdsProtocolError(`packet type 0x${type.toString(16)} inside a 0x${this.messageType.toString(16)} message`);
      }
      if (this.pending.length < length) break;
      const body = this.pending.subarray(HEADER_LENGTH, length);
      this.pending = this.pending.subarray(length);
      if (type === PacketType.attention) {
        // ATTENTION is a one-packet message that may arrive between other traffic.
        messages.push({ type, status, ignored: false, payload: Buffer.from(body) });
        continue;
      }
      if (this.messageType === -1) {
        this.messageType = type;
        this.messageStatus = status;
      }
      this.partsBytes += body.length;
      if (this.partsBytes > this.maxMessageBytes()) {
        throw new OversizedMessage(this.partsBytes, this.maxMessageBytes());
      }
      this.parts.push(Buffer.from(body));
      if (status & PacketStatus.endOfMessage) {
        messages.push({
          type: this.messageType,
          status: this.messageStatus,
          ignored: (status & PacketStatus.ignore) !== 0,
          payload: Buffer.concat(this.parts),
        });
        this.parts = [];
        this.partsBytes = 0;
        this.messageType = -1;
      }
    }
    if (this.pending.length > 0 && this.pending.length < chunk.length) this.pending = Buffer.from(this.pending);
    return messages;
  }
}
