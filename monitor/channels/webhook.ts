// monitor.webhook: each event POSTed as JSON, in order. A receiver that is down or answers non-2xx
// is retried with exponential backoff (1 s doubling to 60 s) until it takes the event; the poll
// loop never waits for it. Up to 1000 events wait; beyond that the oldest are dropped and said so.
import type { WebhookConfig } from '../../config/types.js';
import type { MonitorEvent } from '../events.js';
import { Queue, type Channel } from './channel.js';

export interface WebhookOptions {
  /** First retry delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export function webhookChannel(config: WebhookConfig, warn: (line: string) => void, options: WebhookOptions = {}): Channel {
  const first = options.backoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 60_000;
  const stop = new AbortController();
  const headers = { 'content-type': 'application/json', 'user-agent': 'mirrorbook-monitor', ...Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, v.reveal()])) };
  const post = async (e: MonitorEvent): Promise<void> => {
    let delay = first;
    for (let attempt = 1; !stop.signal.aborted; attempt++) {
      let problem: string;
      try {
        const response = await fetch(config.url.reveal(), { method: 'POST', headers, body: JSON.stringify(e), signal: AbortSignal.any([stop.signal, AbortSignal.timeout(config.timeoutSeconds * 1000)]) });
        await response.body?.cancel();
        if (response.ok) return;
        problem = `HTTP ${response.status}`;
      } catch (error) {
        problem = (error as Error).message;
      }
      if (attempt === 1 || attempt % 10 === 0) warn(`webhook (${config.url.source}) did not take ${e.type} ${e.key}: ${problem}; retrying with backoff`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        function done() {
          clearTimeout(timer);
          stop.signal.removeEventListener('abort', done);
          resolve();
        }
        stop.signal.addEventListener('abort', done, { once: true });
      });
      delay = Math.min(max, delay * 2);
    }
  };
  const queue = new Queue<MonitorEvent>(post, 1000, (dropped) => warn(`webhook queue full: ${dropped.type} ${dropped.key} dropped`));
  return {
    name: 'webhook',
    send: (e) => queue.push(e),
    close: async (ms) => {
      await queue.idle(ms);
      stop.abort();
    },
  };
}
