// Disable: SET PARTNER OFF removes the session (on both partners, or locally when the other side is
// unreachable and will learn on reconnect); then the old mirror copy, still RESTORING, is brought
// online WITH RECOVERY as the seed describes — a diverged, independent copy from then on.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { isMirrored, readDatabase } from './database-state.js';
import { CheckFailedError } from './step.js';
import { id, tsql } from './tsql.js';
import type { Partner } from '../config/types.js';

const PARTNERS: Partner[] = ['principal', 'mirror'];

async function readBoth(ctx: StepContext, database: string) {
  const seen: { partner: Partner; row: Awaited<ReturnType<typeof readDatabase>>; reachable: boolean; error?: unknown }[] = [];
  for (const partner of PARTNERS) {
    try {
      seen.push({ partner, row: await readDatabase(ctx, partner, database), reachable: true });
    } catch (error) {
      seen.push({ partner, row: undefined, reachable: false, error });
    }
  }
  return seen;
}

export function removePartners(databases: string[], pairName: string): StepDefinition {
  const off = (d: string) => tsql`ALTER DATABASE ${id('database', d)} SET PARTNER OFF`;
  const probe = async (ctx: StepContext) => {
    const still: string[] = [];
    for (const database of databases) {
      for (const s of await readBoth(ctx, database)) if (isMirrored(s.row)) still.push(`${database} on the ${s.partner}`);
    }
    return still.length === 0 ? { done: true, detail: 'no database is mirrored any more' } : { done: false, detail: `still mirrored: ${still.join(', ')}` };
  };
  return {
    id: 'disable.partner-off',
    title: `Remove mirroring (SET PARTNER OFF) for ${databases.join(', ')}`,
    target: 'principal',
    destructive: {
      confirmText: pairName,
      consequences:
        'the mirroring sessions end: no more automatic or manual failover; the mirror copies stop receiving changes and must be re-seeded from new backups to mirror again',
    },
    probe,
    async apply(ctx) {
      for (const database of databases) {
        const seen = await readBoth(ctx, database);
        // The serving side first, so the partner learns of the removal through the session.
        const ordered = [...seen].sort((a, b) => Number(b.row?.mirroring_role_desc === 'PRINCIPAL') - Number(a.row?.mirroring_role_desc === 'PRINCIPAL'));
        for (const s of ordered) {
          if (!s.reachable) {
            ctx.note(`the ${s.partner} is unreachable; it will learn that mirroring of ${database} was removed when it reconnects`);
            continue;
          }
          const now = await readDatabase(ctx, s.partner, database);
          if (isMirrored(now)) await ctx.sql(s.partner, off(database));
        }
      }
    },
    verify: probe,
    plan: () => databases.map((d) => ({ target: 'principal' as const, tsql: off(d) })),
  };
}

export function recoverOldMirror(database: string): StepDefinition {
  const recover = tsql`RESTORE DATABASE ${id('database', database)} WITH RECOVERY`;
  const probe = async (ctx: StepContext) => {
    const seen = await readBoth(ctx, database);
    const restoring = seen.filter((s) => s.row?.state_desc === 'RESTORING');
    const unknown = seen.filter((s) => !s.reachable);
    if (restoring.length === 0 && unknown.length === 0) return { done: true, detail: `no copy of ${database} is left RESTORING` };
    return {
      done: false,
      detail: [...restoring.map((s) => `${database} RESTORING on the ${s.partner}`), ...unknown.map((s) => `the ${s.partner} cannot be asked`)].join(', '),
    };
  };
  return {
    id: `disable.recover.${database}`,
    database,
    title: `Bring the old mirror copy of ${database} online WITH RECOVERY`,
    target: 'mirror',
    probe,
    async apply(ctx) {
      const seen = await readBoth(ctx, database);
      for (const s of seen) {
        if (s.row?.state_desc !== 'RESTORING') continue;
        if (isMirrored(s.row))
          throw new CheckFailedError(
            `${database} on the ${s.partner} is still part of a mirroring session`,
            'remove mirroring first (the previous step), then resume',
          );
        await ctx.sql(s.partner, recover);
      }
      // Its copy may still be RESTORING: the step is not done until that partner answers — or the
      // operator says it is gone for good (skip), when there is no copy left to recover.
      const unreachable = seen.find((s) => !s.reachable);
      if (unreachable) {
        throw new CheckFailedError(
          `the ${unreachable.partner} cannot be asked whether its copy of ${database} is still RESTORING: ${(unreachable.error as Error).message}`,
          `bring the ${unreachable.partner} back and resume: its copy is recovered then; if that server is gone for good its copy needs no recovery — resume at a terminal and choose skip when this step fails`,
        );
      }
    },
    verify: probe,
    plan: () => [{ target: 'mirror', tsql: recover }],
  };
}
