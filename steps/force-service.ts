// Promote: forced service on the mirror after the principal is lost. The mirror becomes principal
// at once and the session is SUSPENDED; whatever the old principal had not sent is lost. Never
// while the principal is still connected (that is a planned failover's job, with no loss).
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { ConnectionError } from './connection.js';
import { readDatabase, servingPartner } from './database-state.js';
import { CheckFailedError, rows } from './step.js';
import { id, lit, tsql } from './tsql.js';
import { lostWitness, witnessOffStatement } from './witness.js';

/** The mirror sees DISCONNECTED, but the principal may only be cut off from it (network, endpoint)
 * and still take writes: forcing service then makes two principals. Unreachable counts as lost. */
async function stillServing(ctx: StepContext, databases: string[], principalInstance: string): Promise<string[]> {
  const serving: string[] = [];
  for (const database of databases) {
    // Only a principal nothing answers for is lost: one that refuses our login is up and may serve.
    const row = await readDatabase(ctx, 'principal', database).catch((error: unknown) => {
      if (error instanceof ConnectionError && error.unreachable) return undefined;
      throw error;
    });
    if (row?.mirroring_role_desc === 'PRINCIPAL' && row.state_desc === 'ONLINE') serving.push(database);
  }
  return serving.length === 0 ? [] : [`${principalInstance} still answers and serves ${serving.join(', ')} as principal — only the mirroring link is down`];
}

export function checkPrincipalLost(databases: string[], mirrorInstance: string, principalInstance: string): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const states: string[] = [];
    let allPrincipal = true;
    for (const database of databases) {
      const row = await readDatabase(ctx, 'mirror', database);
      if (row?.mirroring_role_desc !== 'PRINCIPAL') allPrincipal = false;
      states.push(`${database}: ${row?.mirroring_role_desc ?? 'not mirrored'} ${row?.mirroring_state_desc ?? ''}`.trim());
    }
    return allPrincipal ? { done: true, detail: `${mirrorInstance} is already principal for every database` } : { done: false, detail: states.join('; ') };
  };
  return {
    id: 'promote.principal-lost',
    title: `Check that the principal is lost (every database DISCONNECTED on ${mirrorInstance})`,
    target: 'mirror',
    probe,
    async apply(ctx) {
      const problems: string[] = [];
      for (const database of databases) {
        const row = await readDatabase(ctx, 'mirror', database);
        if (row?.mirroring_role_desc === 'PRINCIPAL') continue;
        if (!row?.mirroring_guid) problems.push(`${database} is not mirrored on ${mirrorInstance}`);
        else if (row.mirroring_state_desc !== 'DISCONNECTED') problems.push(`${database} is ${row.mirroring_state_desc} — the principal is still connected`);
      }
      if (problems.length === 0) problems.push(...(await stillServing(ctx, databases, principalInstance)));
      if (problems.length > 0) {
        throw new CheckFailedError(
          `forced service is only for a lost principal: ${problems.join('; ')}`,
          'while the principal is connected use the failover procedure (no data loss). If the principal is cut off but still running, fence it first (stop its SQL Server service) so both copies do not accept writes',
        );
      }
    },
    verify: async () => ({ done: true, detail: 'principal is lost' }),
    plan: () => [],
  };
}

/** What the mirror could see of the loss before forcing: its last monitor sample's unsent log. */
async function visibleLoss(ctx: StepContext, database: string): Promise<string> {
  try {
    const sample = (
      await rows<{ unsent_log: number | null; time_recorded: unknown }>(ctx, 'mirror', tsql`EXEC msdb.dbo.sp_dbmmonitorresults ${lit(database)}, 0, 0`)
    )[0];
    if (sample?.unsent_log != null) {
      const at = sample.time_recorded instanceof Date ? sample.time_recorded.toISOString() : String(sample.time_recorded);
      return `the last monitor sample on the mirror (${at}) showed ${sample.unsent_log} KB of log not yet sent; anything the principal committed and did not send after that is lost too`;
    }
  } catch {
    // no monitor history on this instance: the loss stays unknown
  }
  return 'unknown (the principal is unreachable; the last monitor sample is not available)';
}

/** Forced service on the mirror. A witness lost with the principal is removed on the mirror first
 * (forced service needs WITNESS OFF or a witness connected to the mirror, else 1431). "DATA LOSS
 * ACCEPTED" goes to the audit only once the statement has run. */
export function forceService(databases: string[], mirrorInstance: string, witnessConfigured = false): StepDefinition {
  const statements = databases.map((d) => tsql`USE master; ALTER DATABASE ${id('database', d)} SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS`);
  const probe = async (ctx: StepContext) => {
    const pending: string[] = [];
    for (const database of databases) if ((await readDatabase(ctx, 'mirror', database))?.mirroring_role_desc !== 'PRINCIPAL') pending.push(database);
    return pending.length === 0
      ? { done: true, detail: `${mirrorInstance} serves every database` }
      : { done: false, detail: `still mirror: ${pending.join(', ')}` };
  };
  const witnessNote = witnessConfigured
    ? `; a witness the mirror cannot see is removed on ${mirrorInstance} first (SET WITNESS OFF: no automatic failover until add-witness)`
    : '';
  return {
    id: 'promote.force-service',
    title: `Force service on ${mirrorInstance} (ALLOW DATA LOSS) for ${databases.join(', ')}`,
    target: 'mirror',
    destructive: {
      confirmText: mirrorInstance,
      consequences: `${mirrorInstance} becomes principal now; transactions the lost principal had not sent are lost, and the sessions stay SUSPENDED until resumed or removed${witnessNote}`,
    },
    probe,
    async apply(ctx) {
      for (const [index, database] of databases.entries()) {
        const row = await readDatabase(ctx, 'mirror', database);
        if (row?.mirroring_role_desc === 'PRINCIPAL') continue;
        const witness = lostWitness(row);
        if (witness) {
          ctx.note(
            `the witness ${witness} of ${database} is lost too (${row?.mirroring_witness_state_desc ?? 'not connected'} on ${mirrorInstance}): forced service needs the witness OFF or connected to the mirror, so SET WITNESS OFF on ${mirrorInstance} first; run add-witness once it is back`,
          );
          await ctx.sql('mirror', witnessOffStatement(database));
        }
        const loss = await visibleLoss(ctx, database);
        await ctx.sql('mirror', statements[index]!);
        ctx.note(`DATA LOSS ACCEPTED for ${database} on ${mirrorInstance}: ${loss}`);
      }
    },
    verify: probe,
    plan: () =>
      databases.flatMap((d, i) => [
        ...(witnessConfigured
          ? [{ target: 'mirror' as const, tsql: tsql`-- only when the witness is not connected to the mirror: ${witnessOffStatement(d)}` }]
          : []),
        { target: 'mirror' as const, tsql: statements[i]! },
      ]),
  };
}

/** After forced service and the old principal's return: roll it back to the failover point and
 * resynchronize (its unsent transactions are discarded). Sent to whichever partner serves now. */
export function resumeSession(database: string): StepDefinition {
  const statement = tsql`ALTER DATABASE ${id('database', database)} SET PARTNER RESUME`;
  const serving = (ctx: StepContext) => servingPartner(ctx, database);
  const probe = async (ctx: StepContext) => {
    const found = await serving(ctx);
    if (!found) return { done: false, detail: `no partner serves ${database} as principal` };
    const state = found.row.mirroring_state_desc;
    return state !== 'SUSPENDED'
      ? { done: true, detail: `${database} ${state} (principal: the configured ${found.partner})` }
      : { done: false, detail: `${database} SUSPENDED` };
  };
  return {
    id: `resume-session.${database}`,
    database,
    title: `Resume the mirroring session of ${database} on the partner that serves it`,
    target: 'mirror',
    probe,
    async apply(ctx) {
      const found = await serving(ctx);
      if (!found) throw new CheckFailedError(`no partner serves ${database} as principal`, 'check mirrorbook status; promote first if the principal is lost');
      if (found.row.mirroring_state_desc === 'DISCONNECTED') {
        throw new CheckFailedError(
          `the other partner of ${database} is not connected yet`,
          'bring the old principal back (start its SQL Server service; check that both endpoints are STARTED and the network passes the endpoint port between the partners) and wait until status shows SUSPENDED, then resume',
        );
      }
      ctx.note(`resuming ${database} on the configured ${found.partner}: the other copy is rolled back to the failover point`);
      await ctx.sql(found.partner, statement);
    },
    verify: probe,
    plan: () => [{ target: 'mirror', tsql: statement }],
  };
}
