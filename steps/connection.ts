// Connections to the servers of the pair: one mssql pool per target, opened on first use, each
// checked to be the instance the config names (@@SERVERNAME) before any statement is sent —
// running a setup on the wrong server is the classic 2 a.m. mistake. mssql is imported lazily so
// commands that never connect never load it.
import type { ConnectionPool, config as PoolConfig } from 'mssql';
import type { MirrorbookConfig, PartnerRole, ServerConfig } from '../config/types.js';
import { CONFIG_FILE_LIMIT, readBoundedFile } from '../config/bounded-file.js';
import type { QueryResult, SqlErrorInfo, Tsql } from '../machines/procedure.js';
import { hintFor, needsFixFirst } from './hints.js';
import { classifyConnectionFailure } from './connection-failure.js';
import { OperatorError } from '../errors/operator-error.js';
import { lit, tsql } from './tsql.js';
import { oneLoginPool } from './one-login-pool.js';

/** SQL Server answered with an error: expected, operator-facing, carries the hint. */
export class SqlStatementError extends OperatorError implements SqlErrorInfo {
  readonly number: number;
  readonly class?: number;
  readonly state?: number;
  readonly lineNumber?: number;
  readonly server?: string;
  /** Every error of the batch (SQL Server often sends 1412 then 3013, or 4305 then 3013). */
  readonly all: SqlErrorInfo[];
  /** Resuming helps only once the cause is fixed (steps/hints.ts). */
  readonly fixFirst?: true;

  constructor(info: SqlErrorInfo, all: SqlErrorInfo[] = [info]) {
    super(
      info.message,
      all.map((e) => hintFor(e.number)).find((h) => h !== undefined),
      1,
    );
    this.name = 'SqlStatementError';
    this.number = info.number;
    if (info.class !== undefined) this.class = info.class;
    if (info.state !== undefined) this.state = info.state;
    if (info.lineNumber !== undefined) this.lineNumber = info.lineNumber;
    if (info.server !== undefined) this.server = info.server;
    this.all = all;
    if (all.some((e) => needsFixFirst(e.number))) this.fixFirst = true;
  }
}

/** The connection itself failed (server down, TLS, login): operator-facing, with a hint. */
export class ConnectionError extends OperatorError {
  declare readonly hint: string;
  /** `unreachable`: nothing answered (down, cut off); false when the server answered and refused
   * (a login failure, another instance) — it is up. */
  constructor(
    message: string,
    readonly role: PartnerRole,
    hint: string,
    readonly unreachable = false,
  ) {
    super(message, hint, 1);
    this.name = 'ConnectionError';
  }

  /** A server that answered and refused (login, TLS, another instance) refuses again until the
   * config or the server is fixed; one that did not answer may be back by itself. */
  get fixFirst(): true | undefined {
    return this.unreachable ? undefined : true;
  }
}

/** Connected, but to an instance other than the configured one: refused before anything runs. */
export class WrongServerError extends ConnectionError {
  constructor(role: PartnerRole, expected: string, actual: string, where: string) {
    super(
      `${where} is ${actual}, but pair.${role}.instance says ${expected}`,
      role,
      `check pair.${role}.server/port in the config: nothing was run on ${actual}`,
    );
    this.name = 'WrongServerError';
  }
}

/** Converts whatever mssql threw into SqlStatementError when SQL Server answered. */
export function toSqlError(error: unknown, server?: string): unknown {
  const e = error as {
    number?: unknown;
    class?: number;
    state?: number;
    lineNumber?: number;
    message?: string;
    precedingErrors?: unknown[];
    originalError?: unknown;
    serverName?: string;
  };
  const infoOf = (x: typeof e): SqlErrorInfo | undefined =>
    typeof x?.number === 'number'
      ? {
          number: x.number,
          message: String(x.message ?? ''),
          ...(x.class !== undefined ? { class: x.class } : {}),
          ...(x.state !== undefined ? { state: x.state } : {}),
          ...(x.lineNumber !== undefined ? { lineNumber: x.lineNumber } : {}),
          ...(server ? { server } : {}),
        }
      : undefined;
  const info = infoOf(e) ?? infoOf(e?.originalError as typeof e);
  if (!info) return error;
  const preceding = (e.precedingErrors ?? []).map((p) => infoOf(p as typeof e)).filter((p): p is SqlErrorInfo => p !== undefined);
  // SQL Server's last error is often the generic 3013 "terminating abnormally"; the first says why.
  const all = [...preceding, info];
  const primary = all.find((x) => x.number !== 3013 && x.number !== 5069) ?? info;
  return new SqlStatementError(primary, all);
}

const TRANSPORT_CODES = new Set(['ESOCKET', 'ECONNCLOSED', 'ECONNRESET', 'ENOTOPEN', 'ETIMEOUT', 'ELOGIN']);

/** The driver lost (or could not get back) the connection: no SQL Server error number to go by. */
function isTransportFailure(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; number?: unknown; originalError?: { number?: unknown } };
  if (typeof e?.number === 'number' || typeof e?.originalError?.number === 'number') return false;
  return e?.name === 'ConnectionError' || (typeof e?.code === 'string' && TRANSPORT_CODES.has(e.code));
}

export interface ConnectionOptions {
  /** How long a connection attempt may take (default 15 s; the monitor uses its own, shorter one). */
  connectTimeoutMs?: number;
}

export function poolConfig(server: ServerConfig, options: ConnectionOptions): PoolConfig {
  // Bounded like every file the config names: a FIFO or a device put there after the config was
  // checked is refused, not waited on.
  const ca = server.caFile ? readBoundedFile(server.caFile, { limit: CONFIG_FILE_LIMIT, what: 'CA file', field: 'caFile' }) : undefined;
  return {
    server: server.server,
    port: server.port,
    user: server.login,
    password: server.password.reveal(),
    database: 'master',
    connectionTimeout: options.connectTimeoutMs ?? 15_000,
    // Backups, restores and waits are long; the step's own timeout and AbortSignal bound them.
    requestTimeout: 0,
    pool: { max: 2, min: 0, idleTimeoutMillis: 30_000 },
    // A pooled connection is checked by its state and socket, not by a SELECT 1 sent ahead of every
    // statement (mssql's default): half the round trips. A connection that died unseen fails its
    // statement as a lost connection, which the caller already handles (ConnectionError, reconnect).
    validateConnection: 'socket',
    options: {
      encrypt: server.encrypt === 'strict' ? 'strict' : server.encrypt,
      trustServerCertificate: server.trustServerCertificate,
      appName: 'mirrorbook',
      ...(ca ? { cryptoCredentialsDetails: { ca } } : {}),
    } as PoolConfig['options'],
  };
}

export class PairConnections {
  readonly #pools = new Map<PartnerRole, Promise<ConnectionPool>>();

  constructor(
    private readonly config: MirrorbookConfig,
    private readonly options: ConnectionOptions = {},
  ) {}

  server(role: PartnerRole): ServerConfig {
    const server = this.config.pair[role];
    if (!server) throw new ConnectionError(`no ${role} is configured`, role, `add pair.${role} to the config`);
    return server;
  }

  async #connect(role: PartnerRole): Promise<ConnectionPool> {
    const server = this.server(role);
    const where = `${server.server}:${server.port}`;
    const mssql = (await import('mssql')).default;
    const pool = oneLoginPool(mssql, poolConfig(server, this.options));
    pool.on('error', () => {});
    try {
      await pool.connect();
    } catch (error) {
      const failure = classifyConnectionFailure(error, role, server);
      throw new ConnectionError(`cannot connect to the ${role} ${server.instance} at ${where}: ${failure.what}`, role, failure.hint, failure.unreachable);
    }
    const result = await pool.request().query<{ name: string | null }>('SELECT @@SERVERNAME AS name');
    const actual = result.recordset[0]?.name ?? '(NULL)';
    if (actual.toUpperCase() !== server.instance.toUpperCase()) {
      await pool.close();
      throw new WrongServerError(role, server.instance, actual, where);
    }
    return pool;
  }

  pool(role: PartnerRole): Promise<ConnectionPool> {
    let pool = this.#pools.get(role);
    if (!pool) {
      pool = this.#connect(role);
      pool.catch(() => this.#pools.delete(role));
      this.#pools.set(role, pool);
    }
    return pool;
  }

  /** Runs one statement; an abort cancels it on the server (request.cancel()). */
  async query(role: PartnerRole, statement: Tsql, signal?: AbortSignal): Promise<QueryResult> {
    signal?.throwIfAborted();
    const pending = this.pool(role);
    const pool = await pending;
    const request = pool.request();
    const cancel = (): void => request.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const result = await request.query(statement.reveal());
      const recordsets = (Array.isArray(result.recordsets) ? result.recordsets : []) as unknown as Record<string, unknown>[][];
      return { recordsets: recordsets.map((rs) => [...rs]), rowsAffected: result.rowsAffected };
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (isTransportFailure(error)) throw this.#lost(role, error, pending);
      throw toSqlError(error, this.server(role).instance);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** The server stopped answering mid-run: the pool is dropped so the next statement reconnects. */
  #lost(role: PartnerRole, error: unknown, failed: Promise<ConnectionPool>): ConnectionError {
    const server = this.server(role);
    // Only the pool that failed: a concurrent statement may already have opened a new one.
    if (this.#pools.get(role) === failed) this.#pools.delete(role);
    void failed.then((p) => p.close()).catch(() => {});
    return new ConnectionError(
      `lost the connection to the ${role} ${server.instance} at ${server.server}:${server.port}: ${(error as Error).message}`,
      role,
      `check that ${server.instance} is running and reachable on port ${server.port}, then resume: a statement cut off mid-way is probed before it is sent again`,
      true,
    );
  }

  /** Drops the pool of `role` (a server that stopped answering): the next statement reconnects. */
  reset(role: PartnerRole): void {
    const pool = this.#pools.get(role);
    this.#pools.delete(role);
    void pool?.then((p) => p.close()).catch(() => {});
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map(async (p) => (await p).close()));
  }
}

/** A harmless statement that proves the connection and identity (used by status and tests). */
export const identityQuery = tsql`SELECT @@SERVERNAME AS server_name, SERVERPROPERTY(${lit('ProductMajorVersion')}) AS major_version`;
