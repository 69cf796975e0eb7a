// The lab process's view of the pieces others build (TDS listener, SQL handler, mirroring clock,
// test TLS key): one place that adapts their entry points to what the running lab needs.

import type { FaultState, InstanceState, LabState } from '../model.js';
import { versionFacts } from '../instance/version.js';
import type { SqlHandler } from '../tds/handler.js';
import { startTdsListener } from '../tds/listener.js';
import { loadLabTlsCredentials } from '../tls/index.js';
import { createInstanceHandler } from '../server/handler.js';
import { advanceLab } from '../mirroring/advance.js';
import { onClientsDisconnected } from '../mirroring/hooks.js';
import { liveSessionsUsing } from '../server/sessions.js';

/** One batch an instance received, as the batch log keeps it. */
export interface BatchRecord {
  ts: string;
  instance: string;
  spid: number;
  login: string;
  app: string;
  host: string;
  database: string;
  sql: string;
  rpc: boolean;
  /** Error numbers of the messages with class ≥ 11 the batch produced. */
  errors: number[];
}

/** What the lab process supplies to each instance's SQL handler. */
export interface InstanceHooks {
  lab: LabState;
  instanceName: string;
  now(): Date;
  changed(): void;
  logBatch(record: BatchRecord): void;
  fault(): FaultState;
}

export interface TdsListener {
  port: number;
  close(): Promise<void>;
  dropConnections(): void;
  dropSession(spid: number): boolean;
  connectionCount(): number;
}

/**
 * Calls `drop` with the spids of the live TDS sessions using a database that a failover, forced
 * service or lost quorum took away from its instance (SQL Server kills them; clients reconnect).
 */
export function onSessionsThrownOut(drop: (instanceName: string, spids: number[]) => void): () => void {
  return onClientsDisconnected((event) => drop(event.instance, liveSessionsUsing(event.instance, event.database, 0)));
}

export function makeHandler(hooks: InstanceHooks): SqlHandler {
  return createInstanceHandler(hooks);
}

export function listen(options: { instance: InstanceState; handler: SqlHandler; tls: { key: string | Buffer; cert: string | Buffer }; delayMs: () => number }): Promise<TdsListener> {
  const { major, minor, build } = versionFacts(options.instance.version);
  return startTdsListener({
    host: '127.0.0.1',
    port: options.instance.tdsPort,
    serverName: options.instance.name,
    handler: options.handler,
    tls: options.tls,
    delayMs: options.delayMs,
    version: { major, minor, build },
  });
}

export function tlsCredentials(): { key: string | Buffer; cert: string | Buffer } {
  return loadLabTlsCredentials();
}

export function advance(lab: LabState, now: Date): boolean {
  return advanceLab(lab, now);
}
