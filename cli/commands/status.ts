// mirrorbook status [--watch] [--interval s] [--json]: both partners, every configured database —
// role, state, safety, witness, queues. Read-only.
import type { Command, CommandContext } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { resolvePaths } from '../paths.js';
import { loadConfig } from '../../config/load.js';
import type { PairStatus } from '../../steps/pair-status.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MirrorbookConfig } from '../../config/types.js';

/** Seconds between refreshes, from --interval (default 2). */
function intervalOf(ctx: CommandContext): number {
  const text = optionText(ctx, 'interval');
  if (text === undefined) return 2;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0.2 || value > 3600)
    throw new UsageError(`--interval ${text} is not allowed`, 'give a number of seconds between 0.2 and 3600');
  return value;
}

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v));

export function renderStatus(status: PairStatus): string {
  const lines: string[] = [`mirroring status at ${status.at}`];
  for (const p of status.partners) {
    lines.push('', `${p.instance} (configured ${p.role}, ${p.address})${p.reachable ? '' : ` UNREACHABLE: ${p.error}`}`);
    if (p.lock)
      lines.push(`  locked by ${p.lock.owner} on ${p.lock.host} (pid ${p.lock.pid}): run ${p.lock.runId} '${p.lock.procedure}' since ${p.lock.since}`);
    if (p.databases.length === 0) continue;
    lines.push(
      `  ${'database'.padEnd(18)} ${'role'.padEnd(10)} ${'state'.padEnd(16)} ${'safety'.padEnd(7)} ${'witness'.padEnd(14)} ${'send KB'.padStart(8)} ${'redo KB'.padStart(8)}  db state`,
    );
    for (const d of p.databases) {
      lines.push(
        `  ${d.name.padEnd(18)} ${dash(d.role).padEnd(10)} ${dash(d.mirroringState ?? (d.role ? null : 'not mirrored')).padEnd(16)} ${dash(d.safety).padEnd(7)} ${dash(d.witness ? d.witnessState : null).padEnd(14)} ${dash(d.sendQueueKb).padStart(8)} ${dash(d.redoQueueKb).padStart(8)}  ${d.state}`,
      );
    }
  }
  return lines.join('\n');
}

async function withPair<T>(ctx: CommandContext, body: (read: () => Promise<PairStatus>, config: MirrorbookConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const { PairConnections } = await import('../../steps/connection.js');
  const { readPairStatus } = await import('../../steps/pair-status.js');
  const connections = new PairConnections(config);
  try {
    return await body(() => readPairStatus(config, connections), config);
  } finally {
    await connections.close();
  }
}

export { withPair };

const command: Command = async (ctx) => {
  const watch = ctx.options.watch === true;
  const intervalS = intervalOf(ctx);
  return withPair(ctx, async (read, config) => {
    if (!watch) {
      const status = await read();
      ctx.stdout.write((ctx.flags.json ? JSON.stringify(status) : renderStatus(status)) + '\n');
      return status.partners.every((p) => p.reachable) ? 0 : 1;
    }
    // Until SIGINT / SIGTERM / SIGHUP (cli/signals.ts, whose handler stays for the whole process, so
    // Ink's exit hook never finds itself the last listener): the refresh in flight ends, then the loop.
    const stop = ctx.signals;
    const release = stop.claim();
    // Piped (or --json): one JSON document per refresh, appended; --plain on a terminal: the text,
    // appended. On a terminal: redrawn in place by Ink, with each queue's course as a sparkline and
    // a partner slow to answer called out.
    const terminal = ctx.stdout.isTTY === true && !ctx.flags.json && !ctx.flags.plain;
    const plainText = ctx.stdout.isTTY === true && !ctx.flags.json && ctx.flags.plain;
    const queues = new Map<string, number[]>();
    const ui = terminal ? await import('../../ui/StatusWatch.js') : undefined;
    const view = ui?.startStatusWatch({ stdout: ctx.stdout as NodeJS.WriteStream, stderr: ctx.stderr as NodeJS.WriteStream, color: ctx.flags.color });
    try {
      while (!stop.signal.aborted) {
        const asked = Date.now();
        const status = await read();
        const tookMs = Date.now() - asked;
        if (plainText) ctx.stdout.write(renderStatus(status) + '\n\n');
        else if (!ui || !view) ctx.stdout.write(JSON.stringify({ ...status, answeredInMs: tookMs }) + '\n');
        else {
          ui.recordQueues(status, queues);
          view.show({ status, intervalS, slowAnswerMs: config.monitor.slowAnswerMs, queues });
        }
        await sleep(intervalS * 1000, undefined, { signal: stop.signal }).catch(() => {});
      }
      return 0;
    } finally {
      await view?.close();
      release();
    }
  });
};
export default command;
