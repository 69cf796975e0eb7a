// Removing the witness. SET WITNESS OFF may be issued on either partner (learn.microsoft.com: Remove
// the Witness from a Database Mirroring Session): on the principal when it answers, else on the
// mirror — which is also what forced service needs when the witness is lost with the principal
// (Force Service in a Database Mirroring Session: WITNESS OFF or connected to the mirror).
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { ConnectionError } from './connection.js';
import { readDatabase, type DatabaseStateRow } from './database-state.js';
import { CheckFailedError } from './step.js';
import { id, tsql, type Statement } from './tsql.js';
import type { Partner } from '../config/types.js';

export const witnessOffStatement = (database: string): Statement => tsql`ALTER DATABASE ${id('database', database)} SET WITNESS OFF`;

/** A witness set on this copy that the copy cannot see: forced service there would be 1431. */
export function lostWitness(row: DatabaseStateRow | undefined): string | undefined {
  return row?.mirroring_witness_name && row.mirroring_witness_state_desc !== 'CONNECTED' ? row.mirroring_witness_name : undefined;
}

/** What each partner that answers says; one that nothing answers for is left out. */
async function views(ctx: StepContext, database: string): Promise<{ partner: Partner; row: DatabaseStateRow | undefined }[]> {
  const seen: { partner: Partner; row: DatabaseStateRow | undefined }[] = [];
  for (const partner of ['principal', 'mirror'] as const) {
    try {
      seen.push({ partner, row: await readDatabase(ctx, partner, database) });
    } catch (error) {
      if (!(error instanceof ConnectionError && error.unreachable)) throw error;
    }
  }
  return seen;
}

export function removeWitness(database: string): StepDefinition {
  const statement = witnessOffStatement(database);
  const probe = async (ctx: StepContext) => {
    const seen = await views(ctx, database);
    const witnessed = seen.filter((s) => s.row?.mirroring_witness_name);
    if (seen.length === 0) return { done: false, detail: 'neither partner answers' };
    return witnessed.length === 0
      ? { done: true, detail: `${database}: no witness on ${seen.map((s) => `the ${s.partner}`).join(' or ')}` }
      : {
          done: false,
          detail: witnessed
            .map((s) => `${database} on the ${s.partner}: witness ${s.row?.mirroring_witness_name} ${s.row?.mirroring_witness_state_desc ?? ''}`.trim())
            .join('; '),
        };
  };
  return {
    id: `remove-witness.${database}`,
    database,
    title: `SET WITNESS OFF for ${database} on whichever partner answers (the principal first)`,
    target: 'principal',
    probe,
    async apply(ctx) {
      const seen = await views(ctx, database);
      const on = seen.find((s) => s.partner === 'principal' && s.row?.mirroring_witness_name) ?? seen.find((s) => s.row?.mirroring_witness_name);
      if (!on) {
        if (seen.length === 0)
          throw new CheckFailedError(
            `neither partner of ${database} answers`,
            'start at least one partner (the witness is removed on whichever partner is reached), then resume',
          );
        return;
      }
      if (on.partner === 'mirror')
        ctx.note(
          `the principal does not answer: SET WITNESS OFF for ${database} on the mirror (allowed on either partner; the principal takes it over when they reconnect)`,
        );
      await ctx.sql(on.partner, statement);
    },
    verify: probe,
    plan: () => [
      { target: 'principal', tsql: statement },
      { target: 'mirror', tsql: tsql`-- only when the principal does not answer: ${statement}` },
    ],
  };
}
