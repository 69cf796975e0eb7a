// The byte path under TDS for one connection: clear text, TLS inside PRELOGIN (TDS 7.x, also
// login-only), or TLS from the first byte (TDS 8.0, recognised by a TLS handshake record where a
// PRELOGIN packet would be). Decrypted TDS bytes go to `onTds`; `write` encrypts when TLS is up.

import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { TlsShim } from './tls-shim.js';
import { TdsProtocolError } from './protocol-error.js';

const TLS_HANDSHAKE_RECORD = 0x16;

export interface TlsContexts {
  /** Capped at TLS 1.2: Microsoft defines 1.3 only for TDS 8.0, and FreeTDS fails when offered it here. */
  prelogin: SecureContext;
  /** Absent on instances older than SQL Server 2022, which do not speak TDS 8.0. */
  strict: SecureContext | undefined;
}

export class Transport {
  private firstBytes = true;
  private shim: TlsShim | undefined;
  private tls: TLSSocket | undefined;
  /** TDS 8.0: TLS began before any TDS packet. */
  strict = false;

  constructor(
    private readonly socket: Socket,
    private readonly contexts: TlsContexts,
    private readonly onTds: (chunk: Buffer) => void,
  ) {}

  /** Raw bytes from the socket. */
  incoming(chunk: Buffer): void {
    if (this.firstBytes) {
      this.firstBytes = false;
      if (chunk[0] === TLS_HANDSHAKE_RECORD) {
        // Before 2022 a TLS record where PRELOGIN belongs is just an unknown packet type.
        if (!this.contexts.strict) throw new TdsProtocolError('TDS 8.0 (strict encryption) needs SQL Server 2022');
        this.strict = true;
        this.startTls(true);
      }
    }
    if (this.shim) this.shim.incoming(chunk);
    else this.onTds(chunk);
  }

  /** After a PRELOGIN reply that says ON or OFF: the handshake follows inside PRELOGIN packets. */
  startPreloginTls(): void {
    this.startTls(false);
  }

  /** Login-only encryption: after LOGIN7 everything, the login reply included, is clear text. */
  dropTls(): void {
    this.shim?.detach();
    this.tls?.removeAllListeners('data');
    this.tls?.on('error', () => {});
    this.tls?.destroy();
    this.shim = undefined;
    this.tls = undefined;
  }

  write(bytes: Buffer): void {
    if (this.socket.destroyed) return;
    (this.tls ?? this.socket).write(bytes);
  }

  /** Ends the connection after what was written (TLS close_notify first, when TLS is up). */
  end(): void {
    (this.tls ?? this.socket).end();
  }

  destroy(): void {
    this.tls?.destroy();
    this.socket.destroy();
  }

  private startTls(strict: boolean): void {
    const shim = new TlsShim(this.socket, { wrapHandshake: !strict });
    const tls = new TLSSocket(shim, {
      isServer: true,
      secureContext: strict ? this.contexts.strict : this.contexts.prelogin,
      ...(strict ? { ALPNProtocols: ['tds/8.0'] } : {}),
    });
    tls.on('data', (chunk: Buffer) => this.onTds(chunk));
    tls.on('error', () => this.socket.destroy());
    this.shim = shim;
    this.tls = tls;
  }
}
