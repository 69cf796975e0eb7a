// Changing a live session's mode on the partner that serves it now: SAFETY FULL/OFF (high safety /
// high performance), SUSPEND, and adding the witness. The SET PARTNER SAFETY and SET WITNESS
// options are for the principal only (1470 elsewhere); SUSPEND may be issued on either partner
// (learn.microsoft.com: ALTER DATABASE Database Mirroring).
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { servingPartner, type DatabaseStateRow } from './database-state.js';
import { withHandshakeReasons } from './handshake-failure.js';
import { CheckFailedError, firstRow, type SqlTarget } from './step.js';
import { id, lit, tsql, type Statement } from './tsql.js';

async function served(ctx: StepContext, database: string): Promise<{ partner: 'principal' | 'mirror'; row: DatabaseStateRow }> {
  const found = await servingPartner(ctx, database);
  if (!found)
    throw new CheckFailedError(
      `no partner serves ${database} as principal in a mirroring session`,
      'check mirrorbook status: set up mirroring first (setup), or promote if the principal is lost',
    );
  return found;
}

interface ModeStep {
  id: string;
  title: string;
  statement: Statement;
  done(row: DatabaseStateRow): boolean;
  describe(row: DatabaseStateRow): string;
  /** Refuses (CheckFailedError) when the change must not be sent; may note a caveat. */
  precheck?(ctx: StepContext, partner: SqlTarget, row: DatabaseStateRow): Promise<void>;
}

function modeStep(database: string, spec: ModeStep): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const { partner, row } = await served(ctx, database);
    return { done: spec.done(row), detail: `${database} on the configured ${partner}: ${spec.describe(row)}` };
  };
  return {
    id: spec.id,
    title: spec.title,
    target: 'principal',
    database,
    probe,
    async apply(ctx) {
      const { partner, row } = await served(ctx, database);
      await spec.precheck?.(ctx, partner, row);
      await ctx.sql(partner, spec.statement);
    },
    verify: probe,
    plan: () => [{ target: 'principal', tsql: tsql`-- on whichever partner serves ${id('database', database)} now: ${spec.statement}` }],
  };
}

const editionQuery = tsql`SELECT CAST(SERVERPROPERTY(${lit('Edition')}) AS nvarchar(128)) AS edition, CAST(SERVERPROPERTY(${lit('EngineEdition')}) AS int) AS engine_edition`;

/** High-performance mode (SAFETY OFF) is an Enterprise (and Developer) feature: Standard answers 1473. */
async function refuseWithoutAsyncMirroring(ctx: StepContext, database: string): Promise<void> {
  for (const partner of ['principal', 'mirror'] as const) {
    const row = await firstRow<{ edition: string; engine_edition: number }>(ctx, partner, editionQuery);
    if (row && Number(row.engine_edition) !== 3) {
      throw new CheckFailedError(
        `the ${partner} runs ${row.edition}: SAFETY OFF (high-performance mode) needs Enterprise or Developer edition on both partners`,
        `keep ${database} in SAFETY FULL (high-safety mode); nothing was changed`,
      );
    }
  }
}

export function changeSafety(database: string, safety: 'FULL' | 'OFF'): StepDefinition {
  return modeStep(database, {
    id: `set-safety-${safety.toLowerCase()}.${database}`,
    title: `SET PARTNER SAFETY ${safety} for ${database} on the partner that serves it`,
    statement:
      safety === 'FULL'
        ? tsql`ALTER DATABASE ${id('database', database)} SET PARTNER SAFETY FULL`
        : tsql`ALTER DATABASE ${id('database', database)} SET PARTNER SAFETY OFF`,
    done: (row) => row.mirroring_safety_level_desc === safety,
    describe: (row) => `SAFETY ${row.mirroring_safety_level_desc ?? 'unknown'}, ${row.mirroring_state_desc ?? ''}`.trim(),
    async precheck(ctx, _partner, row) {
      if (safety !== 'OFF') return;
      await refuseWithoutAsyncMirroring(ctx, database);
      if (row.mirroring_witness_name)
        ctx.note(
          `${database} keeps its witness ${row.mirroring_witness_name} with SAFETY OFF: SQL Server recommends removing the witness in high-performance mode (remove-witness) — a witness there only adds the risk of losing quorum`,
        );
    },
  });
}

export function suspendSession(database: string): StepDefinition {
  return modeStep(database, {
    id: `suspend.${database}`,
    title: `SUSPEND the mirroring session of ${database}`,
    statement: tsql`ALTER DATABASE ${id('database', database)} SET PARTNER SUSPEND`,
    done: (row) => row.mirroring_state_desc === 'SUSPENDED',
    describe: (row) => row.mirroring_state_desc ?? 'not mirrored',
    async precheck(ctx) {
      ctx.note(
        `suspending ${database}: the principal keeps serving, its log cannot be truncated until the session is resumed (resume-session), and the mirror falls behind meanwhile`,
      );
    },
  });
}

/** SET WITNESS on the serving partner; it needs SAFETY FULL (a witness is for high safety with
 * automatic failover) and a caught-up mirror (1426). */
export function addWitness(database: string, witnessAddress: string): StepDefinition {
  return withHandshakeReasons(
    modeStep(database, {
      id: `add-witness.${database}`,
      title: `SET WITNESS for ${database} → ${witnessAddress}`,
      statement: tsql`ALTER DATABASE ${id('database', database)} SET WITNESS = ${lit(witnessAddress)}`,
      done: (row) => (row.mirroring_witness_name ?? '').toUpperCase() === witnessAddress.toUpperCase(),
      describe: (row) => (row.mirroring_witness_name ? `witness ${row.mirroring_witness_name} ${row.mirroring_witness_state_desc ?? ''}`.trim() : 'no witness'),
      async precheck(_ctx, _partner, row) {
        if (row.mirroring_safety_level_desc !== 'FULL') {
          throw new CheckFailedError(
            `${database} runs with SAFETY ${row.mirroring_safety_level_desc}: a witness is for high safety with automatic failover`,
            'run set-safety-full first, then add-witness',
          );
        }
      },
    }),
    ['principal', 'mirror', 'witness'],
  );
}
