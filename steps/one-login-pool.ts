// An mssql pool that logs in once where mssql logs in twice. mssql's connect() opens a test
// connection, closes it, then opens the pool's first connection: two logins per pool, each a TLS
// handshake and a TDS login (~20 ms of CPU on both ends here, a round trip more on a real network)
// and two lines in the server's login audit for one connection used. This pool keeps the test
// connection as its first one. It relies on mssql's private _poolCreate/_poolDestroy/_close
// (mssql is pinned in package.json); test/steps/a-pool-logs-in-once-per-connection-it-keeps.test.ts
// counts the logins, so an mssql that changes them fails there, not in the field.
import type { ConnectionPool, config as PoolConfig } from 'mssql';

type Mssql = typeof import('mssql');
type Done = (error?: Error | null) => void;

/** The private part of mssql's ConnectionPool this pool builds on. */
interface PoolInternals {
  _connecting: boolean;
  pool: unknown;
  _poolCreate(): Promise<unknown>;
  _poolDestroy(connection: unknown): Promise<void>;
  _close(done: Done): void;
}

const classes = new WeakMap<Mssql, new (config: PoolConfig) => ConnectionPool>();

function oneLoginPoolClass(mssql: Mssql): new (config: PoolConfig) => ConnectionPool {
  const known = classes.get(mssql);
  if (known) return known;
  const base = mssql.ConnectionPool.prototype as unknown as PoolInternals;
  class OneLoginPool extends mssql.ConnectionPool {
    /** mssql's test connection, until the pool takes it as its first. */
    #first: unknown;

    _poolDestroy(this: OneLoginPool & PoolInternals, connection: unknown): Promise<void> {
      // Only connect() destroys a connection while connecting with no pool yet: its test connection.
      if (this._connecting && !this.pool && this.#first === undefined) {
        this.#first = connection;
        return Promise.resolve();
      }
      return base._poolDestroy.call(this, connection);
    }

    _poolCreate(this: OneLoginPool & PoolInternals): Promise<unknown> {
      const first = this.#first;
      if (first === undefined) return base._poolCreate.call(this);
      this.#first = undefined;
      return Promise.resolve(first);
    }

    _close(this: OneLoginPool & PoolInternals, done: Done): void {
      const first = this.#first;
      this.#first = undefined;
      if (first === undefined) return base._close.call(this, done);
      void base._poolDestroy.call(this, first).finally(() => base._close.call(this, done));
    }
  }
  classes.set(mssql, OneLoginPool);
  return OneLoginPool;
}

/** A pool on `config` whose first connection is mssql's test connection (not yet connected). */
export function oneLoginPool(mssql: Mssql, config: PoolConfig): ConnectionPool {
  return new (oneLoginPoolClass(mssql))(config);
}
