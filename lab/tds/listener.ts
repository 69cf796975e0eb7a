// A TDS 7.1–7.4 / 8.0 listener for one simulated SQL Server instance: the wire protocol is handled
// here, the SQL by the SqlHandler plugged in.

import { createServer, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { SqlHandler } from './handler.js';
import { TdsConnection } from './connection.js';
import { instanceSpeaksStrict } from './tds-version.js';
import type { TlsContexts } from './transport.js';

export interface TdsListenerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = pick a free one. */
  port: number;
  /** Shown in ERROR/INFO tokens until login; afterwards the handler's LoginResult.serverName. */
  serverName: string;
  handler: SqlHandler;
  tls: { key: string | Buffer; cert: string | Buffer };
  /** Extra latency per response (the lab's "slow" fault); read on every request. */
  delayMs?: () => number;
  /** Version announced in PRELOGIN (before the handler's login answers). Default 16.0.1000 (SQL Server 2022). */
  version?: { major: number; minor: number; build: number };
}

export interface TdsListener {
  port: number;
  close(): Promise<void>;
  /** Closes every open connection at once (instance down, partner isolated). */
  dropConnections(): void;
  /** Closes the one logged-in session with this spid (its database moved away); false if none. */
  dropSession(spid: number): boolean;
  connectionCount(): number;
}

export function startTdsListener(options: TdsListenerOptions): Promise<TdsListener> {
  const connections = new Set<TdsConnection>();
  const version = options.version ?? { major: 16, minor: 0, build: 1000 };
  const context = {
    serverName: options.serverName,
    handler: options.handler,
    version,
    tls: secureContexts(options.tls, instanceSpeaksStrict(version.major)),
    delayMs: options.delayMs ?? (() => 0),
  };
  const server = createServer((socket: Socket) => {
    const connection: TdsConnection = new TdsConnection(socket, { ...context, onClose: () => connections.delete(connection) });
    connections.add(connection);
  });
  const dropConnections = () => {
    for (const connection of connections) connection.drop();
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        port,
        dropConnections,
        dropSession: (spid) => {
          const connection = [...connections].find((c) => c.sessionSpid === spid);
          connection?.drop();
          return connection !== undefined;
        },
        connectionCount: () => connections.size,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            dropConnections();
          }),
      });
    });
  });
}

const madeContexts = new WeakMap<object, { prelogin?: SecureContext; strict?: SecureContext }>();

/** The TLS contexts of one identity (key and certificate), made when a client first asks for TLS and
 * shared by every listener given the same identity object: ~1 ms of CPU each, two per instance,
 * at every lab start. `ca: []`: a server that asks no client for a certificate trusts no CA, and
 * Node would otherwise parse its ~140 bundled root certificates for the first context (~20 ms). */
function secureContexts(identity: TdsListenerOptions['tls'], speaksStrict: boolean): TlsContexts {
  let made = madeContexts.get(identity);
  if (!made) madeContexts.set(identity, (made = {}));
  const contexts = made;
  return {
    get prelogin() {
      return (contexts.prelogin ??= createSecureContext({ key: identity.key, cert: identity.cert, ca: [], maxVersion: 'TLSv1.2' }));
    },
    get strict() {
      return speaksStrict ? (contexts.strict ??= createSecureContext({ key: identity.key, cert: identity.cert, ca: [], minVersion: 'TLSv1.2' })) : undefined;
    },
  };
}
