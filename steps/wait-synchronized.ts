// After SET PARTNER the session is SYNCHRONIZING until the mirror has caught up. The wait shows the
// state and, where the server reports them, the send and redo queues shrinking.
import { envDurationMs } from '../machines/env-duration.js';
import type { StepContext, StepDefinition } from '../machines/runbook.js';
import { readDatabase } from './database-state.js';
import { pollIntervalMs } from './poll-interval.js';
import { CheckFailedError, pause, rows } from './step.js';
import { lit, tsql } from './tsql.js';

const counterQuery = (database: string, counter: string) =>
  tsql`SELECT MAX(cntr_value) AS kb FROM sys.dm_os_performance_counters WHERE object_name LIKE ${lit('%Database Mirroring%')} AND instance_name = ${lit(database)} AND counter_name = ${lit(counter)}`;

async function readCounter(ctx: StepContext, target: 'principal' | 'mirror', database: string, counter: string): Promise<number | undefined> {
  try {
    // cntr_value is bigint, which the driver hands over as a string.
    const kb = (await rows<{ kb: number | string | null }>(ctx, target, counterQuery(database, counter)))[0]?.kb;
    return kb === null || kb === undefined || !Number.isFinite(Number(kb)) ? undefined : Number(kb);
  } catch {
    return undefined;
  }
}

/** The send queue as the serving partner reports it and the redo queue as the other partner does: one value each. */
export async function readQueues(ctx: StepContext, serving: 'principal' | 'mirror', database: string): Promise<string | undefined> {
  const other = serving === 'principal' ? 'mirror' : 'principal';
  const send = await readCounter(ctx, serving, database, 'Log Send Queue KB');
  const redo = await readCounter(ctx, other, database, 'Redo Queue KB');
  if (send === undefined && redo === undefined) return undefined;
  return [send === undefined ? undefined : `Log Send Queue ${send} KB`, redo === undefined ? undefined : `Redo Queue ${redo} KB`].filter(Boolean).join(', ');
}

/** The partner that serves the database now (after failover or promote it is the configured mirror).
 * When neither says so and the configured principal could not be asked, that is the error. */
async function servingState(ctx: StepContext, database: string) {
  let unreachable: unknown;
  const principal = await readDatabase(ctx, 'principal', database).catch((error: unknown) => void (unreachable = error));
  if (principal?.mirroring_role_desc === 'PRINCIPAL') return { partner: 'principal' as const, row: principal };
  const mirror = await readDatabase(ctx, 'mirror', database).catch(() => undefined);
  if (mirror?.mirroring_role_desc === 'PRINCIPAL') return { partner: 'mirror' as const, row: mirror };
  if (unreachable !== undefined) throw unreachable;
  return { partner: 'principal' as const, row: principal ?? undefined };
}

/** How long DISCONNECTED may last, in polls, before the wait gives up: at the default 1 s poll,
 * twice the partner timeout (10 s) — a session that reconnects by itself does so within it. */
const DISCONNECTED_POLLS = 20;
const DEFAULT_WAIT_MS = 30 * 60_000;
/** The step's own timeout only backs up the wait's deadline, whose message says more. */
const STEP_TIMEOUT_MARGIN_MS = 60_000;

/** How long the wait for SYNCHRONIZED lasts (MIRRORBOOK_SYNC_WAIT_MS, at most the default 30 min). */
export function syncWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  return envDurationMs(env, 'MIRRORBOOK_SYNC_WAIT_MS', 100, DEFAULT_WAIT_MS, DEFAULT_WAIT_MS);
}

/** The wait as a script does it: poll while SYNCHRONIZING, then fail the batch unless SYNCHRONIZED
 * (a SUSPENDED or DISCONNECTED session stops the script instead of waiting for ever). */
function waitLoop(database: string) {
  const row = tsql`SELECT 1 FROM sys.database_mirroring WHERE database_id = DB_ID(${lit(database)})`;
  return tsql`WHILE EXISTS (${row} AND mirroring_state_desc = N'SYNCHRONIZING') WAITFOR DELAY '00:00:01';
IF NOT EXISTS (${row} AND mirroring_state_desc = N'SYNCHRONIZED') RAISERROR(N'%s is not SYNCHRONIZED: see sys.database_mirroring and the error logs of both partners', 16, 1, ${lit(database)});`;
}

export function waitSynchronized(database: string, pollMs = pollIntervalMs()): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const { row } = await servingState(ctx, database);
    const state = row?.mirroring_state_desc ?? 'not mirrored';
    return state === 'SYNCHRONIZED' ? { done: true, detail: `${database} SYNCHRONIZED` } : { done: false, detail: `${database} ${state}` };
  };
  return {
    id: `principal.wait-synchronized.${database}`,
    title: `Wait until ${database} is SYNCHRONIZED`,
    target: 'principal',
    timeoutMs: DEFAULT_WAIT_MS + STEP_TIMEOUT_MARGIN_MS,
    probe,
    async apply(ctx) {
      const waitMs = syncWaitMs();
      const deadline = Date.now() + waitMs;
      let supportsQueues = true;
      let shown: string | undefined;
      let disconnectedSince: number | undefined;
      for (;;) {
        const { partner, row } = await servingState(ctx, database);
        const state = row?.mirroring_state_desc;
        if (state === 'SYNCHRONIZED') return;
        if (!state) throw new CheckFailedError(`${database} is not mirrored on the principal`, 'run enable (SET PARTNER on the mirror, then the principal) first');
        if (state === 'SUSPENDED') throw new CheckFailedError(`the session of ${database} is SUSPENDED`, 'look at the ERRORLOG of both partners for the cause, then ALTER DATABASE … SET PARTNER RESUME on the principal and resume');
        // Measured in time, not polls: a poll against a partner that drops packets can take seconds.
        disconnectedSince = state === 'DISCONNECTED' ? (disconnectedSince ?? Date.now()) : undefined;
        if (disconnectedSince !== undefined && Date.now() - disconnectedSince >= DISCONNECTED_POLLS * pollMs) {
          throw new CheckFailedError(
            `${database} is DISCONNECTED: the ${partner} cannot reach its partner ${row?.mirroring_partner_name ?? ''}`.trimEnd(),
            'the mirroring connection between the partners is down: check that both instances are running, that both endpoints are STARTED (sys.database_mirroring_endpoints) and that the network and firewalls pass the endpoint port between them; resume once status shows the session SYNCHRONIZING again',
          );
        }
        // While DISCONNECTED the other partner's counters cannot be read, and asking it may hang.
        const queues = supportsQueues && disconnectedSince === undefined ? await readQueues(ctx, partner, database) : undefined;
        if (queues === undefined && disconnectedSince === undefined) supportsQueues = false;
        // Only a change is news: a plain log gets a line per change, not one per poll.
        const label = `${database} ${state}${queues ? ` — ${queues}` : ''}`;
        if (label !== shown) ctx.progress({ label });
        shown = label;
        if (Date.now() >= deadline) {
          throw new CheckFailedError(
            `${label} after ${waitMs / 1000} s: not SYNCHRONIZED yet`,
            'the mirror is not catching up: check the network between the partners (throughput, latency), the mirror\'s disk (Redo Queue) and the principal\'s workload (Log Send Queue); resume to keep waiting (MIRRORBOOK_SYNC_WAIT_MS sets how long a wait lasts, at most 30 min)',
          );
        }
        await pause(pollMs, ctx.signal);
      }
    },
    verify: probe,
    plan: () => [],
    script: () => ({ statements: [{ target: 'principal', tsql: waitLoop(database) }] }),
  };
}
