// After SET PARTNER the session is SYNCHRONIZING until the mirror has caught up. The wait shows the
// state and, where the server reports them, the send and redo queues shrinking.
import type { StepContext, StepDefinition } from '../machines/runbook.js';
import { readDatabase } from './database-state.js';
import { CheckFailedError, pause, rows } from './step.js';
import { lit, tsql } from './tsql.js';

const queueQuery = (database: string) =>
  tsql`SELECT counter_name, cntr_value FROM sys.dm_os_performance_counters WHERE object_name LIKE ${lit('%Database Mirroring%')} AND instance_name = ${lit(database)} AND counter_name IN (${lit('Log Send Queue KB')}, ${lit('Redo Queue KB')})`;

export async function readQueues(ctx: StepContext, target: 'principal' | 'mirror', database: string): Promise<string | undefined> {
  try {
    const found = await rows<{ counter_name: string; cntr_value: number }>(ctx, target, queueQuery(database));
    if (found.length === 0) return undefined;
    return found.map((r) => `${r.counter_name.trim().replace(' KB', '')} ${r.cntr_value} KB`).join(', ');
  } catch {
    return undefined;
  }
}

/** The partner that serves the database now (after failover or promote it is the configured mirror). */
async function servingState(ctx: StepContext, database: string) {
  const principal = await readDatabase(ctx, 'principal', database).catch(() => undefined);
  if (principal?.mirroring_role_desc === 'PRINCIPAL') return { partner: 'principal' as const, row: principal };
  const mirror = await readDatabase(ctx, 'mirror', database).catch(() => undefined);
  if (mirror?.mirroring_role_desc === 'PRINCIPAL') return { partner: 'mirror' as const, row: mirror };
  return { partner: 'principal' as const, row: principal };
}

export function waitSynchronized(database: string, pollMs = 1000): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const { row } = await servingState(ctx, database);
    const state = row?.mirroring_state_desc ?? 'not mirrored';
    return state === 'SYNCHRONIZED' ? { done: true, detail: `${database} SYNCHRONIZED` } : { done: false, detail: `${database} ${state}` };
  };
  return {
    id: `principal.wait-synchronized.${database}`,
    title: `Wait until ${database} is SYNCHRONIZED`,
    target: 'principal',
    timeoutMs: 30 * 60_000,
    probe,
    async apply(ctx) {
      let supportsQueues = true;
      for (;;) {
        const { partner, row } = await servingState(ctx, database);
        const state = row?.mirroring_state_desc;
        if (state === 'SYNCHRONIZED') return;
        if (!state) throw new CheckFailedError(`${database} is not mirrored on the principal`, 'run enable (SET PARTNER on the mirror, then the principal) first');
        if (state === 'SUSPENDED') throw new CheckFailedError(`the session of ${database} is SUSPENDED`, 'look at the ERRORLOG of both partners for the cause, then ALTER DATABASE … SET PARTNER RESUME on the principal and resume');
        const queues = supportsQueues ? await readQueues(ctx, partner, database) : undefined;
        if (queues === undefined) supportsQueues = false;
        ctx.progress({ label: `${database} ${state}${queues ? ` — ${queues}` : ''}` });
        await pause(pollMs, ctx.signal);
      }
    },
    verify: probe,
    plan: () => [],
  };
}
