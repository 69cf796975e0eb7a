// What one partner says about the configured databases: sys.databases joined with
// sys.database_mirroring. Probes, checks, status and monitor all read this one query.
import type { StepContext } from '../machines/procedure.js';
import { rows, type SqlTarget } from './step.js';
import { joinTsql, lit, tsql, type Statement } from './tsql.js';

export interface DatabaseStateRow {
  name: string;
  state_desc: string;
  recovery_model_desc: string;
  mirroring_guid: string | null;
  mirroring_state_desc: string | null;
  mirroring_role_desc: string | null;
  mirroring_safety_level_desc: string | null;
  mirroring_partner_name: string | null;
  mirroring_partner_instance: string | null;
  mirroring_witness_name: string | null;
  mirroring_witness_state_desc: string | null;
  mirroring_role_sequence: number | null;
}

export function databaseStateQuery(databases: string[]): Statement {
  const names = joinTsql(
    databases.map((d) => tsql`${lit(d)}`),
    ', ',
  );
  return tsql`SELECT d.name, d.state_desc, d.recovery_model_desc, m.mirroring_guid, m.mirroring_state_desc, m.mirroring_role_desc, m.mirroring_safety_level_desc, m.mirroring_partner_name, m.mirroring_partner_instance, m.mirroring_witness_name, m.mirroring_witness_state_desc, m.mirroring_role_sequence FROM sys.databases d LEFT JOIN sys.database_mirroring m ON m.database_id = d.database_id WHERE d.name IN (${names})`;
}

export async function readDatabase(ctx: StepContext, target: SqlTarget, database: string): Promise<DatabaseStateRow | undefined> {
  const found = await rows<DatabaseStateRow>(ctx, target, databaseStateQuery([database]));
  const row = found.find((r) => r.name.toLowerCase() === database.toLowerCase());
  ctx.sawRole?.(target, row?.mirroring_role_desc ?? null);
  return row;
}

export function isMirrored(row: DatabaseStateRow | undefined): boolean {
  return row?.mirroring_guid !== null && row?.mirroring_guid !== undefined;
}

/** The configured partner that serves `database` as principal now (after failover or promote, the
 * configured mirror). A partner nothing answers for is skipped; when neither serves and one could
 * not be asked, that error is thrown (it may be the one serving). */
export async function servingPartner(ctx: StepContext, database: string): Promise<{ partner: 'principal' | 'mirror'; row: DatabaseStateRow } | undefined> {
  let unreachable: unknown;
  for (const partner of ['mirror', 'principal'] as const) {
    const row = await readDatabase(ctx, partner, database).catch((error: unknown) => void (unreachable = error));
    if (row?.mirroring_role_desc === 'PRINCIPAL') return { partner, row };
  }
  if (unreachable !== undefined) throw unreachable;
  return undefined;
}
