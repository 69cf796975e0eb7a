// mirrorbook monitor: the Mirroring Monitor as a service (see monitor/), plus its one-shot forms for
// schedulers (--once) and Nagios/Icinga (--check), and `monitor history` over what it kept.
import type { Command, CommandContext } from '../command.js';
import { UsageError, optionText } from '../command.js';
import { resolvePaths } from '../paths.js';
import { loadConfig } from '../../config/load.js';
import type { MirrorbookConfig } from '../../config/types.js';
import type { Channel } from '../../monitor/channels/channel.js';
import { eventLine, MONITOR_EXIT, type MonitorEvent } from '../../monitor/events.js';

const USAGE = 'see mirrorbook monitor --help';

interface MonitorArgs {
  history: boolean;
  once: boolean;
  check: boolean;
  csv: boolean;
  intervalS?: number;
  exec?: string;
  listen?: { host: string; port: number };
  since?: string;
  db?: string;
  limit: number;
}

function monitorArgs(ctx: CommandContext): MonitorArgs {
  const { options, positionals } = ctx;
  const history = positionals[0] === 'history';
  const extra = positionals.slice(history ? 1 : 0);
  if (extra.length > 0) throw new UsageError(`monitor: unexpected argument '${extra[0]}'`, USAGE);
  const args: MonitorArgs = { history, once: options.once === true, check: options.check === true, csv: options.csv === true, limit: 20 };
  const historyOnly = ['since', 'db', 'limit', 'csv'].filter((o) => options[o] !== undefined);
  if (!history && historyOnly.length) throw new UsageError(`--${historyOnly[0]} belongs to \`monitor history\``, USAGE);
  if (history && (args.once || args.check || options.interval || options.exec || options.listen))
    throw new UsageError('`monitor history` only takes --since, --db, --limit, --json and --csv', USAGE);
  if (args.once && args.check) throw new UsageError('give --once or --check, not both', USAGE);
  const interval = optionText(ctx, 'interval');
  if (interval !== undefined) {
    const value = Number(interval);
    if (!Number.isFinite(value) || value < 0.2 || value > 86_400)
      throw new UsageError(`--interval ${interval}: expected seconds between 0.2 and 86400 (1 or more outside rehearsals)`, USAGE);
    args.intervalS = value;
  }
  const exec = optionText(ctx, 'exec');
  if (exec !== undefined) args.exec = exec;
  const listen = optionText(ctx, 'listen');
  if (listen !== undefined) {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(listen);
    const port = Number(match?.[2]);
    if (!match || port > 65535) throw new UsageError(`--listen ${listen}: expected HOST:PORT, e.g. 127.0.0.1:9464 or 0.0.0.0:9464`, USAGE);
    args.listen = { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  }
  const since = optionText(ctx, 'since');
  if (since !== undefined) args.since = since;
  const db = optionText(ctx, 'db');
  if (db !== undefined) args.db = db;
  const limit = optionText(ctx, 'limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new UsageError(`--limit ${limit}: expected a whole number of table rows (0–100000)`, USAGE);
    args.limit = n;
  }
  return args;
}

const command: Command = async (ctx) => {
  let args: MonitorArgs;
  let config: MirrorbookConfig;
  const checking = ctx.options.check === true;
  try {
    args = monitorArgs(ctx);
    config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  } catch (error) {
    // A plugin that cannot run says UNKNOWN (exit 3), whatever the reason.
    if (checking && error instanceof UsageError) {
      ctx.stdout.write(`MIRRORING UNKNOWN - ${error.message.split('\n').join(' ')}\n`);
      return 3;
    }
    throw error;
  }
  if (args.history) return history(ctx, args, config);
  if (args.once || args.check) return oneShot(ctx, args, config);
  return service(ctx, args, config);
};
export default command;

async function oneShot(ctx: CommandContext, args: MonitorArgs, config: MirrorbookConfig): Promise<number> {
  const { Monitor } = await import('../../monitor/service.js');
  const { checkResult, CHECK_EXIT } = await import('../../monitor/check.js');
  const monitor = new Monitor(config);
  try {
    // Two samples a second apart: the rates (and so the time to catch up) need both.
    await monitor.poll();
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, (args.intervalS ?? 1) * 1000)));
    const { sample, figures, conditions, events } = await monitor.poll();
    if (args.check) {
      const { line, code } = checkResult(sample, figures, conditions, config.monitor.thresholds);
      ctx.stdout.write(line + '\n');
      return code;
    }
    const raised = monitor.book.raised;
    for (const e of events.filter((x) => x.type === 'notice')) print(ctx, e);
    for (const a of raised) {
      const e: MonitorEvent = {
        type: 'raised',
        key: a.key,
        kind: a.kind,
        severity: a.severity,
        at: sample.at,
        pair: monitor.pair,
        message: a.message,
        advice: a.advice,
        ...(a.database ? { database: a.database } : {}),
        ...(a.instance ? { instance: a.instance } : {}),
        roles: [],
      };
      print(ctx, e);
    }
    if (raised.length === 0 && !ctx.flags.json) ctx.stdout.write(`${sample.at} OK    all databases healthy\n`);
    if (sample.servers.every((s) => !s.reachable)) return MONITOR_EXIT.unreachable;
    if (raised.some((a) => a.severity === 'critical')) return MONITOR_EXIT.critical;
    return raised.length > 0 ? MONITOR_EXIT.warning : MONITOR_EXIT.healthy;
  } catch (error) {
    if (args.check) {
      ctx.stdout.write(`MIRRORING UNKNOWN - ${(error as Error).message.split('\n').join(' ')}\n`);
      return CHECK_EXIT.unknown;
    }
    throw error;
  } finally {
    await monitor.close();
  }
}

function print(ctx: CommandContext, e: MonitorEvent): void {
  ctx.stdout.write((ctx.flags.json ? JSON.stringify(e) : eventLine(e)) + '\n');
}

async function service(ctx: CommandContext, args: MonitorArgs, config: MirrorbookConfig): Promise<number> {
  const { runMonitor } = await import('../../monitor/service.js');
  const { openStore } = await import('../../store/index.js');
  const warn = (line: string) => void ctx.stderr.write(`mirrorbook monitor: ${line}\n`);
  const channels: Channel[] = [{ name: 'stdout', send: (e) => print(ctx, e), close: async () => {} }];
  const exec = args.exec ?? config.monitor.exec;
  if (exec) channels.push((await import('../../monitor/channels/exec.js')).execChannel(exec, warn, ctx.env));
  if (config.monitor.webhook) channels.push((await import('../../monitor/channels/webhook.js')).webhookChannel(config.monitor.webhook, warn));
  if (config.monitor.errorLog) channels.push((await import('../../monitor/channels/error-log.js')).errorLogChannel(config, warn));
  const metrics = args.listen
    ? await (await import('../../monitor/metrics.js')).startMetrics(args.listen.host, args.listen.port).catch((error: Error) => {
        throw new UsageError(`--listen ${args.listen!.host}:${args.listen!.port}: ${error.message}`, 'choose a free port, or an address of this host');
      })
    : undefined;
  const store = openStore(resolvePaths(ctx.flags, ctx.env, ctx.cwd).store);
  const intervalS = args.intervalS ?? config.monitor.intervalSeconds;
  // Stopped by SIGTERM (the service manager), SIGINT or SIGHUP (cli/signals.ts): exit 143 / 130 / 129.
  const { SIGNAL_EXIT, stopSignalOf } = await import('../signals.js');
  const stop = ctx.signals;
  const release = stop.claim();
  const start = `monitoring ${config.pair.principal.instance}+${config.pair.mirror.instance}${config.pair.witness ? ` (witness ${config.pair.witness.instance})` : ''}: ${config.databases.join(', ')} every ${intervalS} s${metrics ? `; metrics on http://${metrics.address}/metrics` : ''}`;
  if (ctx.flags.json) warn(start);
  else ctx.stdout.write(`${new Date().toISOString()} ${start}\n`);
  let healthy: boolean | undefined;
  try {
    await runMonitor({
      config,
      store,
      channels,
      intervalMs: intervalS * 1000,
      signal: stop.signal,
      onPoll: (result) => {
        metrics?.update(result.sample, result.figures, result.alarms);
        const now = result.alarms.length === 0;
        if (now && healthy !== true && !ctx.flags.json) ctx.stdout.write(`${result.sample.at} OK    all databases healthy\n`);
        healthy = now;
      },
    });
    const stoppedBy = stopSignalOf(stop.signal);
    return stoppedBy ? SIGNAL_EXIT[stoppedBy] : 0;
  } finally {
    release();
    await Promise.all(channels.map((c) => c.close(2000)));
    await metrics?.close();
    store.close();
  }
}

async function history(ctx: CommandContext, args: MonitorArgs, config: MirrorbookConfig): Promise<number> {
  const { parseSince, historyCsv, historyText } = await import('../../monitor/history.js');
  const { openStore } = await import('../../store/index.js');
  const { pairName } = await import('../../config/types.js');
  const since = args.since === undefined ? undefined : parseSince(args.since);
  if (args.since !== undefined && since === undefined)
    throw new UsageError(`--since ${args.since}: expected 90s, 30m, 2h, 7d or an ISO date such as 2026-12-01T08:00:00Z`, USAGE);
  if (args.db && !config.databases.some((d) => d.toLowerCase() === args.db!.toLowerCase()))
    throw new UsageError(`--db ${args.db}: not a database of this config (${config.databases.join(', ')})`, USAGE);
  const store = openStore(resolvePaths(ctx.flags, ctx.env, ctx.cwd).store, { readonly: true });
  try {
    const rows = store.monitor.samples({ pair: pairName(config), ...(since ? { since } : {}), ...(args.db ? { database: args.db } : {}) });
    if (args.csv) ctx.stdout.write(historyCsv(rows));
    else if (ctx.flags.json) for (const r of rows) ctx.stdout.write(JSON.stringify(r) + '\n');
    else ctx.stdout.write(historyText(rows, args.limit));
    return 0;
  } finally {
    store.close();
  }
}
