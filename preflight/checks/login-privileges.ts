// The mirrorbook login's privileges on every server: what it holds (HAS_PERMS_BY_NAME,
// IS_SRVROLEMEMBER, in one read per server) against what the procedure needs there, from the one
// list steps/login-privileges.ts keeps (the grant script and README table come from it too). A
// sysadmin holds everything. Each missing privilege is its own ✗ with the GRANT as the hint (for one
// the script does not grant, sysadmin, what to do instead first). The procedure is judged with the
// options the run is given (cleanup --remove-backups).
// https://learn.microsoft.com/sql/t-sql/functions/has-perms-by-name-transact-sql
import { requiredPrivileges } from '../../steps/login-privileges.js';
import { constantSql } from '../../steps/tsql.js';
import { fail, ok, reachable, type Finding, type PreflightCheck } from '../check.js';

const ID = 'login-privileges';

export const loginPrivilegesCheck: PreflightCheck = {
  id: ID,
  title: "the mirrorbook login holds the privileges the procedure needs on every server",
  async run(ctx) {
    const perServer = await Promise.all(reachable(ctx).map(async (server): Promise<Finding[]> => {
      const needed = requiredPrivileges(ctx.procedure, server.role, ctx.config.databases, server.config.login, ctx.options);
      const columns = needed.map((p, i) => `${p.held} AS p${i}`);
      const text = `SELECT SUSER_SNAME() AS login${columns.map((c) => `, ${c}`).join('')}`;
      const row = (await ctx.rows<Record<string, unknown>>(server.role, constantSql(text)))[0] ?? {};
      const login = String(row['login'] ?? server.config.login);
      // NULL: nothing to hold it on (a database that is not there, which its own check reports).
      const missing = needed.filter((_, i) => row[`p${i}`] !== 1 && row[`p${i}`] !== null);
      const run = [ctx.procedure, ...ctx.options].join(' ');
      if (missing.length === 0) return [ok(ID, server.config.instance, `${login} holds the ${needed.length} privileges ${run} needs here`)];
      return missing.map((p) =>
        fail(
          ID,
          server.config.instance,
          `${login} lacks ${p.name}, which ${run} needs`,
          p.instead
            ? `${p.instead} (or, as a sysadmin on ${server.config.instance}: ${p.grant})`
            : `as a sysadmin on ${server.config.instance}: ${p.grant} (all of them: mirrorbook init --grants)`,
        ),
      );
    }));
    return perServer.flat();
  },
};
