// A client sent bytes that break the TDS framing or a message's structure. The connection that
// sent them is closed; nothing else is affected.

export class TdsProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TdsProtocolError';
  }
}

/** A message over the size the connection allows (after login: 65,536 × the packet size). */
export class OversizedMessage extends TdsProtocolError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`message larger than ${limit} bytes`);
  }
}
