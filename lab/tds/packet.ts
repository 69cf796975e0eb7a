// TDS packet header (MS-TDS 2.2.3.1) and splitting an outgoing message into packets.

export const PacketType = {
  sqlBatch: 0x01,
  rpc: 0x03,
  tabularResult: 0x04,
  attention: 0x06,
  bulkLoad: 0x07,
  fedAuthToken: 0x08,
  transactionManager: 0x0e,
  login7: 0x10,
  sspi: 0x11,
  prelogin: 0x12,
} as const;

export const PacketStatus = {
  endOfMessage: 0x01,
  ignore: 0x02,
  resetConnection: 0x08,
  resetConnectionSkipTran: 0x10,
} as const;

export const HEADER_LENGTH = 8;
export const DEFAULT_PACKET_SIZE = 4096;
export const MIN_PACKET_SIZE = 512;
export const MAX_PACKET_SIZE = 32767;

const CLIENT_TYPES = new Set<number>([
  PacketType.sqlBatch,
  PacketType.rpc,
  PacketType.attention,
  PacketType.bulkLoad,
  PacketType.fedAuthToken,
  PacketType.transactionManager,
  PacketType.login7,
  PacketType.sspi,
  PacketType.prelogin,
]);

export function isClientPacketType(type: number): boolean {
  return CLIENT_TYPES.has(type);
}

/** Numbers successive packets of one connection's outgoing messages (mod 256, as SQL Server does). */
export class PacketCounter {
  private next = 1;

  take(): number {
    const id = this.next;
    this.next = (this.next + 1) & 0xff;
    return id;
  }
}

export function packetHeader(type: number, status: number, length: number, spid: number, packetId: number): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(type, 0);
  header.writeUInt8(status, 1);
  header.writeUInt16BE(length, 2);
  header.writeUInt16BE(spid & 0xffff, 4);
  header.writeUInt8(packetId, 6);
  header.writeUInt8(0, 7);
  return header;
}

/** Cuts `payload` into packets of at most `packetSize` bytes; EOM goes on the last one only when
 * `endOfMessage` (a streamed response sends its leading part without it). */
export function toPackets(
  type: number,
  payload: Buffer,
  options: { packetSize: number; spid: number; counter: PacketCounter; endOfMessage: boolean },
): Buffer[] {
  const room = options.packetSize - HEADER_LENGTH;
  const packets: Buffer[] = [];
  let at = 0;
  do {
    const chunk = payload.subarray(at, at + room);
    at += chunk.length;
    const last = at >= payload.length;
    const status = last && options.endOfMessage ? PacketStatus.endOfMessage : 0;
    packets.push(Buffer.concat([packetHeader(type, status, HEADER_LENGTH + chunk.length, options.spid, options.counter.take()), chunk]));
  } while (at < payload.length);
  return packets;
}
