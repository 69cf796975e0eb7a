// Database mirroring does not support FILESTREAM: a database with a FILESTREAM filegroup cannot be
// mirrored. sys.master_files type 2 is FILESTREAM.
// https://learn.microsoft.com/previous-versions/sql/sql-server-2008-r2/ms366349(v=sql.105) (Restrictions)
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { about, fail, ok, partnersOf, SETUP_PROCEDURES, type PreflightCheck } from '../check.js';

const ID = 'filestream';

export const filestreamCheck: PreflightCheck = {
  id: ID,
  title: 'no configured database has a FILESTREAM filegroup',
  procedures: SETUP_PROCEDURES,
  async run(ctx) {
    const principal = partnersOf(ctx).find((s) => s.role === 'principal');
    if (!principal) return [];
    const ids = joinTsql(ctx.config.databases.map((d) => tsql`DB_ID(${lit(d)})`), ', ');
    const rows = await ctx.rows<{ name: string }>('principal', tsql`SELECT DB_NAME(database_id) AS name FROM sys.master_files WHERE type = 2 AND database_id IN (${ids})`);
    return [rows.length === 0
      ? ok(ID, principal.config.instance, 'no FILESTREAM filegroup')
      : about(fail(ID, principal.config.instance, `FILESTREAM filegroup in ${[...new Set(rows.map((r) => r.name))].join(', ')}`, 'database mirroring cannot mirror a database with FILESTREAM data; use log shipping or an availability group for it, or leave it out of databases:'), [...new Set(rows.map((r) => r.name))])];
  },
};
