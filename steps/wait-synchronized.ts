// After SET PARTNER the session is SYNCHRONIZING until the mirror has caught up. The wait is bounded
// by progress, not by the clock: it goes on as long as the send and redo queues shrink (a large
// database takes as long as it takes), shows them with an ETA from the rate they shrink at, and
// stops with a hint once they have not moved for the config's waits.withoutProgressSeconds (5 min).
import type { MirrorbookConfig } from '../config/types.js';
import { envDurationMs } from '../machines/env-duration.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { readDatabase } from './database-state.js';
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

/** The send queue as the serving partner reports it and the redo queue as the other partner does. */
export async function readQueues(ctx: StepContext, serving: 'principal' | 'mirror', database: string): Promise<{ label: string; totalKB: number } | undefined> {
  const other = serving === 'principal' ? 'mirror' : 'principal';
  const send = await readCounter(ctx, serving, database, 'Log Send Queue KB');
  const redo = await readCounter(ctx, other, database, 'Redo Queue KB');
  if (send === undefined && redo === undefined) return undefined;
  const label = [send === undefined ? undefined : `Log Send Queue ${send} KB`, redo === undefined ? undefined : `Redo Queue ${redo} KB`]
    .filter(Boolean)
    .join(', ');
  return { label, totalKB: (send ?? 0) + (redo ?? 0) };
}

/** Whether the queues are going down: the smallest total seen, when it was seen, and the rate since the start. */
export class QueueProgress {
  #startKB: number | undefined;
  #startAt = 0;
  #bestKB = Infinity;
  #movedAt: number;

  constructor(now: number) {
    this.#movedAt = now;
  }

  /** Records a reading; returns the ETA in seconds while the queues shrink (undefined otherwise). */
  observe(totalKB: number, now: number): number | undefined {
    if (this.#startKB === undefined) {
      this.#startKB = totalKB;
      this.#startAt = now;
    }
    if (totalKB < this.#bestKB) {
      if (this.#bestKB !== Infinity) this.#movedAt = now;
      this.#bestKB = totalKB;
    }
    const rate = (this.#startKB - totalKB) / Math.max(1, now - this.#startAt);
    return rate > 0 ? Math.ceil(totalKB / rate / 1000) : undefined;
  }

  /** A state change (SYNCHRONIZING after DISCONNECTED …) counts as movement too. */
  moved(now: number): void {
    this.#movedAt = now;
  }

  stalledFor(now: number): number {
    return now - this.#movedAt;
  }
}

/** How long a wait goes on without progress, and where that comes from (plan shows both). */
export interface WaitLimit {
  ms: number;
  /** "5 min (waits.withoutProgressSeconds)" */
  shown: string;
}

/** The config's `waits.withoutProgressSeconds` (default 5 min); MIRRORBOOK_SYNC_WAIT_MS overrides it
 * for rehearsals and tests (100 ms – 60 min). */
export function syncWaitLimit(config: Pick<MirrorbookConfig, 'waits'>, env: NodeJS.ProcessEnv): WaitLimit {
  const fromEnv = envDurationMs(env, 'MIRRORBOOK_SYNC_WAIT_MS', 100, MAX_STALL_MS, -1);
  const [ms, source] = fromEnv === -1 ? [config.waits.withoutProgressSeconds * 1000, 'waits.withoutProgressSeconds'] : [fromEnv, 'MIRRORBOOK_SYNC_WAIT_MS'];
  return { ms, shown: `${ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`} (${source})` };
}

function eta(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  return seconds < 90 ? `, about ${seconds} s to go` : `, about ${Math.ceil(seconds / 60)} min to go`;
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
const MAX_STALL_MS = 60 * 60_000;

/** The wait as a script does it: poll while SYNCHRONIZING, then fail the batch unless SYNCHRONIZED
 * (a SUSPENDED or DISCONNECTED session stops the script instead of waiting for ever). */
function waitLoop(database: string) {
  const row = tsql`SELECT 1 FROM sys.database_mirroring WHERE database_id = DB_ID(${lit(database)})`;
  return tsql`WHILE EXISTS (${row} AND mirroring_state_desc = N'SYNCHRONIZING') WAITFOR DELAY '00:00:01';
IF NOT EXISTS (${row} AND mirroring_state_desc = N'SYNCHRONIZED') RAISERROR(N'%s is not SYNCHRONIZED: see sys.database_mirroring and the error logs of both partners', 16, 1, ${lit(database)});`;
}

export function waitSynchronized(database: string, limit: WaitLimit): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const { row } = await servingState(ctx, database);
    const state = row?.mirroring_state_desc ?? 'not mirrored';
    return state === 'SYNCHRONIZED' ? { done: true, detail: `${database} SYNCHRONIZED` } : { done: false, detail: `${database} ${state}` };
  };
  return {
    id: `principal.wait-synchronized.${database}`,
    database,
    title: `Wait until ${database} is SYNCHRONIZED`,
    target: 'principal',
    waits: `for ${database} SYNCHRONIZED as long as the send and redo queues shrink; stops with a hint after ${limit.shown} without progress`,
    probe,
    async apply(ctx) {
      const waitMs = limit.ms;
      const progress = new QueueProgress(Date.now());
      let supportsQueues = true;
      let shown: string | undefined;
      let lastState: string | undefined;
      let disconnectedSince: number | undefined;
      for (;;) {
        const { partner, row } = await servingState(ctx, database);
        const state = row?.mirroring_state_desc;
        if (state === 'SYNCHRONIZED') return;
        if (state !== lastState) progress.moved(Date.now());
        lastState = state ?? undefined;
        if (!state)
          throw new CheckFailedError(`${database} is not mirrored on the principal`, 'run enable (SET PARTNER on the mirror, then the principal) first');
        if (state === 'SUSPENDED')
          throw new CheckFailedError(
            `the session of ${database} is SUSPENDED`,
            'look at the ERRORLOG of both partners for the cause, then ALTER DATABASE … SET PARTNER RESUME on the principal and resume',
          );
        // Measured in time, not polls: a poll against a partner that drops packets can take seconds.
        disconnectedSince = state === 'DISCONNECTED' ? (disconnectedSince ?? Date.now()) : undefined;
        if (disconnectedSince !== undefined && Date.now() - disconnectedSince >= DISCONNECTED_POLLS * ctx.pollMs) {
          throw new CheckFailedError(
            `${database} is DISCONNECTED: the ${partner} cannot reach its partner ${row?.mirroring_partner_name ?? ''}`.trimEnd(),
            'the mirroring connection between the partners is down: check that both instances are running, that both endpoints are STARTED (sys.database_mirroring_endpoints) and that the network and firewalls pass the endpoint port between them; resume once status shows the session SYNCHRONIZING again',
          );
        }
        // While DISCONNECTED the other partner's counters cannot be read, and asking it may hang.
        const queues = supportsQueues && disconnectedSince === undefined ? await readQueues(ctx, partner, database) : undefined;
        if (queues === undefined && disconnectedSince === undefined) supportsQueues = false;
        const remaining = queues ? progress.observe(queues.totalKB, Date.now()) : undefined;
        // Only a change is news: a plain log gets a line per change, not one per poll.
        const label = `${database} ${state}${queues ? ` — ${queues.label}${eta(remaining)}` : ''}`;
        if (label !== shown) ctx.progress({ label });
        shown = label;
        if (progress.stalledFor(Date.now()) >= waitMs) {
          throw new CheckFailedError(
            `${database} ${state}${queues ? ` — ${queues.label}` : ''}: the queues have not shrunk for ${Math.round(waitMs / 1000)} s`,
            "the mirror is not catching up: check the network between the partners (throughput, latency), the mirror's disk (Redo Queue) and the principal's workload (Log Send Queue); resume to keep waiting (MIRRORBOOK_SYNC_WAIT_MS sets how long the queues may stand still, at most 60 min)",
          );
        }
        await pause(ctx.pollMs, ctx.signal);
      }
    },
    verify: probe,
    plan: () => [],
    script: () => ({ statements: [{ target: 'principal', tsql: waitLoop(database) }] }),
  };
}
