// How the engine reaches the servers of a pair: one connection per target, opened on first use.
// steps/connection.ts provides it for real runs; tests provide fakes whose effects land elsewhere.

import type { QueryResult, Target, Tsql } from './procedure.js';

export type SqlTarget = Exclude<Target, 'operator'>;

export interface SqlTargets {
  /** The instance name shown and audited for a target (e.g. "SQLPRI01"), when known. */
  serverName(target: SqlTarget): string | undefined;
  /** Opens the connection to `target` (bounded by the connection's own timeout) without sending a
   * statement; a query opens it too. */
  connect?(target: SqlTarget): Promise<void>;
  /** Sends `statement.reveal()`; rejects with a SqlErrorInfo-shaped error when the server refuses. */
  query(target: SqlTarget, statement: Tsql, signal: AbortSignal): Promise<QueryResult>;
  close(): Promise<void>;
}
