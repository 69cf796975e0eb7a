// "Ensure the Patriot services are not running on the backup server" (seed): a restore over a
// database the application is using fails (3101) or, worse, the application writes to a copy that
// is about to be replaced. Checked on the mirror through its sessions, before anything is changed.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { CheckFailedError, rows } from './step.js';
import { joinTsql, lit, tsql } from './tsql.js';

interface SessionRow {
  session_id: number;
  program_name: string | null;
  host_name: string | null;
  login_name: string | null;
  database_name: string | null;
}

export function checkNoApplicationSessions(databases: string[], programs: string[]): StepDefinition {
  const inDatabases = joinTsql(
    databases.map((d) => tsql`DB_ID(${lit(d)})`),
    ', ',
  );
  const programMatch =
    programs.length > 0
      ? tsql` OR ${joinTsql(
          programs.map((p) => tsql`program_name LIKE ${lit(p)}`),
          ' OR ',
        )}`
      : tsql``;
  const query = tsql`SELECT session_id, program_name, host_name, login_name, DB_NAME(database_id) AS database_name FROM sys.dm_exec_sessions WHERE session_id <> @@SPID AND (database_id IN (${inDatabases})${programMatch})`;
  const probe = async (ctx: StepContext) => {
    const sessions = await rows<SessionRow>(ctx, 'mirror', query);
    if (sessions.length === 0) return { done: true, detail: "no application is connected to the mirror's databases" };
    return {
      done: false,
      detail: sessions
        .map(
          (s) =>
            `${s.program_name ?? '?'} from ${s.host_name ?? '?'} as ${s.login_name ?? '?'}${s.database_name ? ` in ${s.database_name}` : ''} (session ${s.session_id})`,
        )
        .join('; '),
    };
  };
  return {
    id: 'mirror.no-application-sessions',
    title: 'Check that no application (Patriot services) is connected to the mirror',
    target: 'mirror',
    probe,
    async apply(ctx) {
      const seen = await probe(ctx);
      if (!seen.done) {
        throw new CheckFailedError(
          `applications are connected to the mirror: ${seen.detail}`,
          'stop the Patriot services (and any other client) on the backup server, then resume; the restore would replace the databases they use',
        );
      }
    },
    verify: probe,
    plan: () => [{ target: 'mirror', tsql: query }],
    script: () => ({
      statements: [
        {
          target: 'mirror',
          tsql: tsql`IF EXISTS (${query}) RAISERROR(N'applications are connected to the mirror: stop the Patriot services (and any other client) on the backup server first', 16, 1);`,
        },
      ],
    }),
  };
}
