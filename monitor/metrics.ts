// monitor --listen HOST:PORT: the latest poll as Prometheus metrics on /metrics (prom-client, loaded
// only when asked for). Gauges are rewritten from each poll, so a database or alarm that went away
// does not linger. Process metrics (memory, CPU) come with it: a long-running monitor can be
// watched for growth.
import { createServer, type Server } from 'node:http';
import type { Gauge, Registry } from 'prom-client';
import type { DatabaseFigures } from './figures.js';
import type { RaisedAlarm } from './alarm-book.js';
import { currentRoleOf } from './roles.js';
import type { PairSample } from './sample.js';

/** sp_dbmmonitorresults' mirroring_state codes. */
export const STATE_CODES: Record<string, number> = { SUSPENDED: 0, DISCONNECTED: 1, SYNCHRONIZING: 2, PENDING_FAILOVER: 3, SYNCHRONIZED: 4 };

const FIGURES = [
  ['unsentLogKb', 'unsent_log_kb', 'Log in the principal\'s send queue (KB)'],
  ['unrestoredLogKb', 'unrestored_log_kb', 'Log in the mirror\'s redo queue (KB)'],
  ['sendRateKbps', 'send_rate_kbps', 'Log sent to the mirror (KB/s) between the last two polls'],
  ['restoreRateKbps', 'restore_rate_kbps', 'Log redone on the mirror (KB/s) between the last two polls'],
  ['logGenerationRateKbps', 'log_generation_rate_kbps', 'Log generated on the principal (KB/s)'],
  ['oldestUnsentMinutes', 'oldest_unsent_minutes', 'Age of the oldest unsent transaction (minutes)'],
  ['commitOverheadMs', 'commit_overhead_ms', 'Mirror commit overhead: average delay per transaction (ms)'],
  ['catchUpSeconds', 'catch_up_seconds', 'Estimated time for the mirror to catch up (s)'],
] as const;

export interface MetricsEndpoint {
  address: string;
  update(sample: PairSample, figures: DatabaseFigures[], alarms: RaisedAlarm[]): void;
  close(): Promise<void>;
}

export async function startMetrics(host: string, port: number): Promise<MetricsEndpoint> {
  const prom = (await import('prom-client')).default;
  const registry: Registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry, prefix: 'mirrorbook_monitor_' });
  const gauge = (name: string, help: string, labelNames: string[]): Gauge => new prom.Gauge({ name: `mirrorbook_${name}`, help, labelNames, registers: [registry] });
  const up = gauge('server_up', 'The server answered the last poll (1) or not (0)', ['instance', 'configured_role', 'current_role']);
  const answer = gauge('server_answer_ms', 'How long the server took to answer the last poll (ms)', ['instance']);
  const state = gauge('mirroring_state', 'Mirroring state as sp_dbmmonitorresults codes it: 0 SUSPENDED, 1 DISCONNECTED, 2 SYNCHRONIZING, 3 PENDING_FAILOVER, 4 SYNCHRONIZED', ['database', 'instance', 'role']);
  const figures = new Map(FIGURES.map(([field, name, help]) => [field, gauge(`mirroring_${name}`, help, ['database'])]));
  const alarm = gauge('monitor_alarm', 'A raised alarm (1) with its severity', ['key', 'kind', 'severity']);
  const polls = new prom.Counter({ name: 'mirrorbook_monitor_polls_total', help: 'Polls taken since the monitor started', registers: [registry] });
  const lastPoll = gauge('monitor_last_poll_timestamp_seconds', 'When the last poll was taken (Unix time)', []);

  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics is served here\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => (server.off('error', reject), resolve()));
  });
  const bound = server.address();
  const address = typeof bound === 'object' && bound ? `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}` : `${host}:${port}`;
  return {
    address,
    update(sample, current, alarms) {
      for (const g of [up, answer, state, alarm, ...figures.values()]) g.reset();
      for (const s of sample.servers) {
        up.set({ instance: s.instance, configured_role: s.configuredRole, current_role: currentRoleOf(s) ?? 'unknown' }, s.reachable ? 1 : 0);
        if (s.answerMs !== null) answer.set({ instance: s.instance }, s.answerMs);
        for (const d of s.databases) {
          const code = d.mirroringState ? STATE_CODES[d.mirroringState] : undefined;
          if (code !== undefined) state.set({ database: d.name, instance: s.instance, role: d.role ?? 'none' }, code);
        }
      }
      for (const f of current) {
        for (const [field, g] of figures) {
          const value = f[field];
          if (value !== null) g.set({ database: f.database }, value);
        }
      }
      for (const a of alarms) alarm.set({ key: a.key, kind: a.kind, severity: a.severity }, 1);
      polls.inc();
      lastPoll.set(Date.parse(sample.at) / 1000);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
