// A database in an Always On availability group cannot also be mirrored (the features do not
// interoperate). sys.databases.group_database_id is set for AG databases (2012 and later).
// https://learn.microsoft.com/sql/database-engine/database-mirroring/database-mirroring-interoperability-and-coexistence-sql-server
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { about, fail, ok, partnersOf, type Finding, type PreflightCheck } from '../check.js';

const ID = 'availability-group';

export const availabilityGroupCheck: PreflightCheck = {
  id: ID,
  title: 'no configured database belongs to an availability group',
  async run(ctx) {
    const findings: Finding[] = [];
    const names = joinTsql(ctx.config.databases.map((d) => tsql`${lit(d)}`), ', ');
    for (const server of partnersOf(ctx).filter((s) => s.facts.major >= 11)) {
      const rows = await ctx.rows<{ name: string }>(server.role, tsql`SELECT name FROM sys.databases WHERE group_database_id IS NOT NULL AND name IN (${names})`);
      findings.push(rows.length === 0
        ? ok(ID, server.config.instance, 'none in an availability group')
        : about(fail(ID, server.config.instance, `in an availability group: ${rows.map((r) => r.name).join(', ')}`, 'remove the database from its availability group first (ALTER AVAILABILITY GROUP … REMOVE DATABASE), or leave it out of databases:'), rows.map((r) => r.name)));
    }
    return findings;
  },
};
