// A client sent bytes that break the TDS framing or a message's structure. The connection that
// sent them is closed; nothing else is affected.

export class TdsProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TdsProtocolError';
  }
}
