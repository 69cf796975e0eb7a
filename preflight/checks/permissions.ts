// The mirrorbook login creates endpoints, certificates and logins, backs up, restores and alters
// databases: it needs sysadmin on the partners (CREATE ENDPOINT alone needs CREATE ENDPOINT or
// sysadmin; ALTER DATABASE … SET PARTNER needs ALTER on the database) and on the witness.
// https://learn.microsoft.com/sql/t-sql/statements/alter-database-transact-sql-database-mirroring (Permissions)
import { lit, tsql } from '../../steps/tsql.js';
import { fail, ok, reachable, type PreflightCheck } from '../check.js';

const ID = 'permissions';
const query = tsql`SELECT SUSER_SNAME() AS login, IS_SRVROLEMEMBER(${lit('sysadmin')}) AS sysadmin`;

export const permissionsCheck: PreflightCheck = {
  id: ID,
  title: "the mirrorbook login is sysadmin on every server",
  async run(ctx) {
    return Promise.all(reachable(ctx).map(async (server) => {
      const row = (await ctx.rows<{ login: string; sysadmin: number | null }>(server.role, query))[0];
      return row?.sysadmin === 1
        ? ok(ID, server.config.instance, `${row.login} is sysadmin`)
        : fail(ID, server.config.instance, `${row?.login ?? server.config.login} is not sysadmin`, `ALTER SERVER ROLE sysadmin ADD MEMBER [${server.config.login}] on ${server.config.instance}, or set pair.${server.role}.login to a sysadmin login`);
    }));
  },
};
