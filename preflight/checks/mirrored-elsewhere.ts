// A configured database already in a mirroring session with some other server: the setup would
// fail half-way (1402/1416), and a failover would act on a session this config does not describe.
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { about, fail, ok, partnersOf, type Finding, type PreflightCheck } from '../check.js';

const ID = 'mirrored-elsewhere';

export const mirroredElsewhereCheck: PreflightCheck = {
  id: ID,
  title: 'no configured database is mirrored with a server the config does not name',
  async run(ctx) {
    const findings: Finding[] = [];
    const names = joinTsql(ctx.config.databases.map((d) => tsql`${lit(d)}`), ', ');
    const query = tsql`SELECT d.name, m.mirroring_partner_instance, m.mirroring_role_desc FROM sys.databases d JOIN sys.database_mirroring m ON m.database_id = d.database_id WHERE m.mirroring_guid IS NOT NULL AND d.name IN (${names})`;
    const instances = [ctx.config.pair.principal.instance, ctx.config.pair.mirror.instance].map((i) => i.toUpperCase());
    for (const server of partnersOf(ctx)) {
      const rows = await ctx.rows<{ name: string; mirroring_partner_instance: string | null; mirroring_role_desc: string }>(server.role, query);
      const foreign = rows.filter((r) => !instances.includes((r.mirroring_partner_instance ?? '').toUpperCase()));
      if (foreign.length === 0) {
        findings.push(ok(ID, server.config.instance, rows.length ? `mirrored only within the pair: ${rows.map((r) => r.name).join(', ')}` : 'no configured database is mirrored yet'));
        continue;
      }
      for (const r of foreign) {
        findings.push(about(fail(ID, server.config.instance, `${r.name} is ${r.mirroring_role_desc} in a session with ${r.mirroring_partner_instance ?? 'an unknown partner'}`, `that session is not this config's pair: remove it (ALTER DATABASE ${r.name} SET PARTNER OFF) on purpose first, or correct pair: in the config`), [r.name]));
      }
    }
    return findings;
  },
};
