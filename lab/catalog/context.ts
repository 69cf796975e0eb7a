// What the catalog views read besides the lab state: the live TDS sessions and running requests of
// the instance (kept by lab/server) and the progress of long operations (kept by lab/storage).

import type { DatabaseState, InstanceState, LabState } from '../model.js';
import type { SessionInfo } from '../tds/handler.js';

export interface LiveSession {
  info: SessionInfo;
  loginTime: Date;
  lastRequestStart: Date | null;
  lastRequestEnd: Date | null;
  /** The batch this session is running, if any. */
  running: RunningRequest | null;
  openTransactions: number;
}

export interface RunningRequest {
  command: string;
  startTime: Date;
  database: string;
}

export interface RequestProgress {
  spid: number;
  command: string;
  percentComplete: number;
  estimatedCompletionMs: number;
  startTime: Date;
  database: string;
}

export interface CatalogContext {
  lab: LabState;
  instance: InstanceState;
  session: SessionInfo;
  now(): Date;
  sessions(): LiveSession[];
  /** Long operations in flight (BACKUP, RESTORE …) with percent complete. */
  progress(): RequestProgress[];
  /** The database a per-database view answers for: the named one or the session's. */
  database(name?: string): DatabaseState | undefined;
}
