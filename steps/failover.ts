// Planned role swap, all databases together. `to` is the configured partner that becomes
// principal: failover moves to the configured mirror, failback returns to the configured principal.
// Each database's step is done when `to` is its principal, so a run that stopped half-way resumes
// by moving only the databases still on the other side.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { readDatabase, type DatabaseStateRow } from './database-state.js';
import { CheckFailedError, pause } from './step.js';
import { id, tsql } from './tsql.js';
import type { Partner } from '../config/types.js';

const other = (p: Partner): Partner => (p === 'principal' ? 'mirror' : 'principal');

async function roles(ctx: StepContext, databases: string[], from: Partner) {
  const result: { database: string; row: DatabaseStateRow | undefined }[] = [];
  for (const database of databases) result.push({ database, row: await readDatabase(ctx, from, database) });
  return result;
}

/** Refuses unless every database still on `from` is SYNCHRONIZED with SAFETY FULL. */
export function checkReadyForFailover(databases: string[], to: Partner, instances: Record<Partner, string>): StepDefinition {
  const from = other(to);
  const probe = async (ctx: StepContext) => {
    const seen = await roles(ctx, databases, from);
    const pending = seen.filter((s) => s.row?.mirroring_role_desc === 'PRINCIPAL');
    if (pending.length === 0 && seen.every((s) => s.row?.mirroring_role_desc === 'MIRROR'))
      return { done: true, detail: `every database already has ${instances[to]} as principal` };
    return {
      done: false,
      detail: seen
        .map(
          (s) =>
            `${s.database}: ${s.row?.mirroring_role_desc ? `${s.row.mirroring_role_desc} ${s.row.mirroring_state_desc ?? ''} SAFETY ${s.row.mirroring_safety_level_desc ?? ''}` : 'not mirrored'}`,
        )
        .join('; '),
    };
  };
  return {
    id: `failover-to-${to}.ready`,
    title: `Check every database is SYNCHRONIZED with SAFETY FULL before moving to ${instances[to]}`,
    target: from,
    probe,
    async apply(ctx) {
      const seen = await roles(ctx, databases, from);
      const procedure = to === 'mirror' ? 'failover' : 'failback';
      if (seen.every((s) => !s.row?.mirroring_role_desc)) {
        throw new CheckFailedError(
          `mirroring is not set up: ${databases.join(', ')} ${databases.length === 1 ? 'is' : 'are'} not mirrored on ${instances[from]}`,
          `set it up first: 'mirrorbook plan setup' shows what it does, 'mirrorbook run setup' does it; then run ${procedure} again. Nothing was moved`,
          false,
        );
      }
      const problems = seen
        .filter((s) => s.row?.mirroring_role_desc !== 'MIRROR')
        .filter(
          (s) => !(s.row?.mirroring_role_desc === 'PRINCIPAL' && s.row.mirroring_state_desc === 'SYNCHRONIZED' && s.row.mirroring_safety_level_desc === 'FULL'),
        )
        .map(
          (s) =>
            `${s.database} is ${!s.row ? 'missing' : s.row.mirroring_role_desc ? `${s.row.mirroring_role_desc} ${s.row.mirroring_state_desc ?? ''} SAFETY ${s.row.mirroring_safety_level_desc ?? ''}` : 'not mirrored'} on ${instances[from]}`,
        );
      if (problems.length > 0) {
        const disconnected = seen.some((s) => s.row?.mirroring_state_desc === 'DISCONNECTED');
        throw new CheckFailedError(
          `not every database can fail over without data loss: ${problems.join('; ')}`,
          `a planned failover needs every database SYNCHRONIZED with SAFETY FULL (mirrorbook status).${disconnected ? ` DISCONNECTED: the partners cannot reach each other — check that ${instances[to]} is running, both endpoints are STARTED and the network passes the endpoint port.` : ''} Wait for SYNCHRONIZED, or SET PARTNER SAFETY FULL, then run again; nothing was moved`,
        );
      }
    },
    verify: async () => ({ done: true, detail: 'every database is SYNCHRONIZED with SAFETY FULL' }),
    plan: () => [],
  };
}

export function failoverDatabase(database: string, to: Partner, instances: Record<Partner, string>, all: string[]): StepDefinition {
  const from = other(to);
  const statement = tsql`USE master; ALTER DATABASE ${id('database', database)} SET PARTNER FAILOVER`;
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, to, database);
    // PRINCIPAL (PENDING_FAILOVER) is a role about to be given away, not one arrived at.
    return row?.mirroring_role_desc === 'PRINCIPAL' && row.mirroring_state_desc !== 'PENDING_FAILOVER'
      ? { done: true, detail: `${database}: ${instances[to]} is principal (${row.mirroring_state_desc})` }
      : { done: false, detail: `${database}: ${instances[to]} is ${row?.mirroring_role_desc ?? 'not mirrored'}` };
  };
  return {
    id: `failover-to-${to}.${database}`,
    database,
    title: `Fail ${database} over from ${instances[from]} to ${instances[to]}`,
    target: from,
    retry: { attempts: 3, backoffMs: 2000, retryable: (e) => [1404, 1422].includes((e as { number?: number }).number ?? 0) },
    probe,
    async apply(ctx) {
      try {
        await ctx.sql(from, statement);
      } catch (error) {
        const moved: string[] = [];
        for (const d of all) if ((await readDatabase(ctx, to, d).catch(() => undefined))?.mirroring_role_desc === 'PRINCIPAL') moved.push(d);
        if (moved.length > 0) {
          ctx.note(
            `databases are split: ${moved.join(', ')} already on ${instances[to]}, ${database} still on ${instances[from]}. Resume this run to move the rest (or run failback to bring them all back)`,
          );
        }
        throw error;
      }
    },
    async verify(ctx) {
      // The role change completes asynchronously; give it a moment to show.
      for (let i = 0; i < 20; i++) {
        const result = await probe(ctx);
        if (result.done) return result;
        await pause(250, ctx.signal);
      }
      return probe(ctx);
    },
    plan: () => [{ target: from, tsql: statement }],
  };
}
