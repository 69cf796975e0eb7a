// mirrorbook status [--watch] [--interval s] [--json]: both partners, every configured database —
// role, state, safety, witness, queues. Read-only.
import type { Command, CommandContext } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { resolvePaths } from '../paths.js';
import { loadConfig } from '../../config/load.js';
import type { PairStatus } from '../../steps/pair-status.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { sparkline } from '../../monitor/sparkline.js';

/** A refresh slower than this is called out. */
const SLOW_MS = 2000;
/** Queue values kept per database for the sparklines (a few minutes at the default interval). */
const KEEP = 120;

function queueLines(status: PairStatus, queues: Map<string, number[]>): string {
  const lines: string[] = [];
  for (const p of status.partners) {
    for (const d of p.databases) {
      for (const [label, value] of [['send', d.sendQueueKb], ['redo', d.redoQueueKb]] as const) {
        if (value === null || (label === 'send' && d.role !== 'PRINCIPAL') || (label === 'redo' && d.role !== 'MIRROR')) continue;
        const key = `${d.name} ${label} queue on ${p.instance}`;
        const series = queues.get(key) ?? [];
        series.push(value);
        if (series.length > KEEP) series.shift();
        queues.set(key, series);
        lines.push(`  ${key.padEnd(40)} ${sparkline(series, 40)} ${value} KB`);
      }
    }
  }
  return lines.length ? `\nqueues\n${lines.join('\n')}\n` : '';
}

/** Seconds between refreshes, from --interval (default 2). */
function intervalOf(ctx: CommandContext): number {
  const text = optionText(ctx, 'interval');
  if (text === undefined) return 2;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0.2 || value > 3600) throw new UsageError(`--interval ${text} is not allowed`, 'give a number of seconds between 0.2 and 3600');
  return value;
}

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v));

export function renderStatus(status: PairStatus): string {
  const lines: string[] = [`mirroring status at ${status.at}`];
  for (const p of status.partners) {
    lines.push('', `${p.instance} (configured ${p.role}, ${p.address})${p.reachable ? '' : ` UNREACHABLE: ${p.error}`}`);
    if (p.lock) lines.push(`  locked by ${p.lock.owner} on ${p.lock.host} (pid ${p.lock.pid}): run ${p.lock.runId} '${p.lock.procedure}' since ${p.lock.since}`);
    if (p.databases.length === 0) continue;
    lines.push(`  ${'database'.padEnd(18)} ${'role'.padEnd(10)} ${'state'.padEnd(16)} ${'safety'.padEnd(7)} ${'witness'.padEnd(14)} ${'send KB'.padStart(8)} ${'redo KB'.padStart(8)}  db state`);
    for (const d of p.databases) {
      lines.push(
        `  ${d.name.padEnd(18)} ${dash(d.role).padEnd(10)} ${dash(d.mirroringState ?? (d.role ? null : 'not mirrored')).padEnd(16)} ${dash(d.safety).padEnd(7)} ${dash(d.witness ? d.witnessState : null).padEnd(14)} ${dash(d.sendQueueKb).padStart(8)} ${dash(d.redoQueueKb).padStart(8)}  ${d.state}`,
      );
    }
  }
  return lines.join('\n');
}

async function withPair<T>(ctx: CommandContext, body: (read: () => Promise<PairStatus>) => Promise<T>): Promise<T> {
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const { PairConnections } = await import('../../steps/connection.js');
  const { readPairStatus } = await import('../../steps/pair-status.js');
  const connections = new PairConnections(config);
  try {
    return await body(() => readPairStatus(config, connections));
  } finally {
    await connections.close();
  }
}

export { withPair };

const command: Command = async (ctx) => {
  const watch = ctx.options.watch === true;
  const intervalS = intervalOf(ctx);
  return withPair(ctx, async (read) => {
    if (!watch) {
      const status = await read();
      ctx.stdout.write((ctx.flags.json ? JSON.stringify(status) : renderStatus(status)) + '\n');
      return status.partners.every((p) => p.reachable) ? 0 : 1;
    }
    // Until SIGINT / SIGTERM / SIGHUP (cli/signals.ts): the refresh in flight ends, then the loop.
    const stop = ctx.signals;
    const release = stop.claim();
    // Piped (or --json): one JSON document per refresh, appended. On a terminal: redrawn in place,
    // with the last minutes of each queue as a sparkline and a note when the servers answer slowly.
    const terminal = ctx.stdout.isTTY === true && !ctx.flags.json;
    const queues = new Map<string, number[]>();
    try {
      while (!stop.signal.aborted) {
        const asked = Date.now();
        const status = await read();
        const tookMs = Date.now() - asked;
        if (!terminal) ctx.stdout.write(JSON.stringify({ ...status, answeredInMs: tookMs }) + '\n');
        else ctx.stdout.write('\x1b[H\x1b[J' + renderStatus(status) + '\n' + queueLines(status, queues) + (tookMs > SLOW_MS ? `\nthe servers took ${tookMs} ms to answer (slow)\n` : ''));
        await sleep(intervalS * 1000, undefined, { signal: stop.signal }).catch(() => {});
      }
      return 0;
    } finally {
      release();
    }
  });
};
export default command;
