// mirrorbook monitor [--interval s] [--once] [--json]: polls the pair and raises alarms (a lost
// partner, a SUSPENDED session, a growing queue …), printing each alarm when it is raised and when
// it clears. Exit codes (for schedulers; --once exits after one sample):
//   0 healthy · 10 warning (SYNCHRONIZING, witness disconnected, growing queue) ·
//   11 critical (partner unreachable or DISCONNECTED, SUSPENDED, not mirrored) ·
//   12 no server of the pair reachable · 2 bad usage/config · 130/143 interrupted.
import type { Command, CommandContext } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { alarmsOf, exitCodeOf, type Alarm } from '../../steps/alarms.js';
import type { PairStatus } from '../../steps/pair-status.js';
import { withPair } from './status.js';

/** Seconds between samples, from --interval (default 60). */
function intervalOf(ctx: CommandContext): number {
  const text = optionText(ctx, 'interval');
  if (text === undefined) return 60;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0.2 || value > 86_400) throw new UsageError(`--interval ${text} is not allowed`, 'give a number of seconds between 0.2 and 86400');
  return value;
}

const command: Command = async (ctx) => {
  const once = ctx.options.once === true;
  const intervalS = intervalOf(ctx);
  const emit = (event: 'raised' | 'cleared' | 'ok', alarm: Alarm | undefined, at: string) => {
    if (ctx.flags.json) ctx.stdout.write(JSON.stringify({ type: 'alarm', event, at, ...(alarm ?? {}) }) + '\n');
    else ctx.stdout.write(`${at} ${event === 'ok' ? 'OK   all databases healthy' : `${event === 'raised' ? (alarm!.severity === 'critical' ? 'CRIT' : 'WARN') : 'CLEAR'} ${alarm!.message}`}\n`);
  };
  return withPair(ctx, async (read) => {
    let previous: PairStatus | undefined;
    let active = new Map<string, Alarm>();
    const stop = new AbortController();
    let signalCode = 0;
    const onInt = () => ((signalCode = 130), stop.abort());
    const onTerm = () => ((signalCode = 143), stop.abort());
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    try {
      for (;;) {
        const status = await read();
        const alarms = alarmsOf(status, previous);
        const next = new Map(alarms.map((a) => [a.key, a]));
        for (const a of alarms) if (!active.has(a.key) || once) emit('raised', a, status.at);
        for (const [key, a] of active) if (!next.has(key)) emit('cleared', a, status.at);
        if (alarms.length === 0 && (once || active.size > 0 || previous === undefined)) emit('ok', undefined, status.at);
        active = next;
        previous = status;
        if (once) return exitCodeOf(status, alarms);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalS * 1000);
          stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (stop.signal.aborted) return signalCode;
      }
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  });
};
export default command;
