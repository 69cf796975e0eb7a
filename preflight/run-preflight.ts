// Runs every registered check that matters to a procedure, read-only, against every server of the
// pair. Facts each check needs (version, edition, clock) are read once per server here.
import type { MirrorbookConfig, PartnerRole } from '../config/types.js';
import { partners } from '../config/types.js';
import type { PairConnections } from '../steps/connection.js';
import { lit, tsql, type Statement } from '../steps/tsql.js';
import type { Finding, PreflightContext, Server, ServerFacts } from './check.js';
import { CHECKS } from './registry.js';

const factsQuery = tsql`SELECT @@SERVERNAME AS server_name, SERVERPROPERTY(${lit('ProductVersion')}) AS product_version, SERVERPROPERTY(${lit('Edition')}) AS edition, SERVERPROPERTY(${lit('EngineEdition')}) AS engine_edition, SYSUTCDATETIME() AS utc_now`;

interface FactsRow {
  server_name: string;
  product_version: string;
  edition: string;
  engine_edition: number;
  utc_now: Date;
}

async function readFacts(connections: PairConnections, role: PartnerRole): Promise<ServerFacts> {
  const result = await connections.query(role, factsQuery);
  const row = result.recordsets[0]?.[0] as FactsRow | undefined;
  if (!row) throw new Error('the server returned no row for SERVERPROPERTY');
  const [major = 0, minor = 0] = String(row.product_version).split('.').map(Number);
  return { serverName: row.server_name, major, minor, productVersion: String(row.product_version), edition: String(row.edition), engineEdition: Number(row.engine_edition), utcNow: row.utc_now instanceof Date ? row.utc_now : new Date(String(row.utc_now)) };
}

/** Every check of `procedure` run with `options` ('--remove-backups'); without `connections` only
 * the offline ones (the config's own warnings). */
export async function runPreflight(
  config: MirrorbookConfig,
  procedure: string,
  connections?: PairConnections,
  options: readonly string[] = [],
): Promise<Finding[]> {
  const servers: Server[] = [];
  if (connections) await Promise.all(partners(config).map(async (server) => {
    try {
      servers.push({ role: server.role, config: server, facts: await readFacts(connections, server.role) });
    } catch (error) {
      const e = error as Error & { hint?: string; unreachable?: boolean };
      servers.push({ role: server.role, config: server, error: { message: e.message, ...(e.hint ? { hint: e.hint } : {}), unreachable: e.unreachable === true } });
    }
  }));
  const order = partners(config).map((s) => s.role);
  servers.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  const ctx: PreflightContext = {
    config,
    procedure,
    options,
    servers,
    rows: async <T>(role: PartnerRole, statement: Statement): Promise<T[]> => {
      const result = await connections!.query(role, statement);
      const sets = result.recordsets.filter((set) => set.length > 0);
      return (sets[sets.length - 1] ?? []) as T[];
    },
  };
  const findings: Finding[] = [];
  const roleOf = new Map(partners(config).map((s) => [s.instance.toLowerCase(), s.role]));
  for (const check of CHECKS) {
    if (check.procedures && !check.procedures.includes(procedure)) continue;
    if (!connections && !check.offline) continue;
    try {
      findings.push(...(await check.run(ctx)).map((f) => {
        const role = roleOf.get(f.server.toLowerCase());
        return role ? { ...f, role } : f;
      }));
    } catch (error) {
      const e = error as Error & { hint?: string };
      findings.push({ check: check.id, server: 'pair', verdict: 'fail', found: `the check could not run: ${e.message}`, hint: e.hint ?? 'fix what the message names and run check again' });
    }
  }
  return findings;
}

export const blocking = (findings: Finding[]): Finding[] => findings.filter((f) => f.verdict === 'fail');
