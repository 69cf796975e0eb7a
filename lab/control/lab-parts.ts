// Where the running lab adapts the pieces it plugs together: an instance's TDS listener (with the
// version its LOGINACK reports) and the hook that drops sessions a role change took away.

import type { InstanceState } from '../model.js';
import { versionFacts } from '../instance/version.js';
import type { SqlHandler } from '../tds/handler.js';
import { startTdsListener, type TdsListener } from '../tds/listener.js';
import { onClientsDisconnected } from '../mirroring/hooks.js';
import { liveSessionsUsing } from '../server/sessions.js';

/**
 * Calls `drop` with the spids of the live TDS sessions using a database that a failover, forced
 * service or lost quorum took away from its instance (SQL Server kills them; clients reconnect), or
 * that SET SINGLE_USER WITH ROLLBACK closed to everyone but the session that asked.
 */
export function onSessionsThrownOut(drop: (instanceName: string, spids: number[]) => void): () => void {
  return onClientsDisconnected((event) => drop(event.instance, liveSessionsUsing(event.instance, event.database, event.exceptSpid ?? 0)));
}

export function listen(options: {
  instance: InstanceState;
  handler: SqlHandler;
  tls: { key: string | Buffer; cert: string | Buffer };
  delayMs: () => number;
}): Promise<TdsListener> {
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
