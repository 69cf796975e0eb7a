// After a failover or a promote: can the application work on the new principal? Every user of the
// mirrored databases must map (by SID) to a login there — an orphaned user cannot log in (18456
// state 38, 916) — and the application's programs must have reconnected (sys.dm_exec_sessions),
// or the new principal's error log says why they did not (18456 lines).
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { CheckFailedError, pause, rows } from './step.js';
import { id, joinTsql, lit, tsql } from './tsql.js';
import type { Partner } from '../config/types.js';

/** How many polls the programs get to reconnect (their retry interval is seconds). */
const RECONNECT_POLLS = 40;

const orphansQuery = (database: string) =>
  tsql`SELECT dp.name AS user_name, dp.sid FROM ${id('database', database)}.sys.database_principals dp LEFT JOIN sys.server_principals sp ON sp.sid = dp.sid WHERE dp.type IN (${lit('S')}, ${lit('U')}, ${lit('G')}) AND dp.principal_id > 4 AND dp.sid IS NOT NULL AND sp.sid IS NULL`;

function sessionsQuery(databases: string[], programs: string[]) {
  const inDatabases = joinTsql(
    databases.map((d) => tsql`DB_ID(${lit(d)})`),
    ', ',
  );
  const programMatch =
    programs.length > 0
      ? tsql` AND (${joinTsql(
          programs.map((p) => tsql`program_name LIKE ${lit(p)}`),
          ' OR ',
        )})`
      : tsql``;
  return tsql`SELECT session_id, program_name, login_name, DB_NAME(database_id) AS database_name FROM sys.dm_exec_sessions WHERE session_id <> @@SPID AND database_id IN (${inDatabases})${programMatch}`;
}

const errorLogQuery = tsql`EXEC sp_readerrorlog 0, 1, N'18456'`;

async function orphans(ctx: StepContext, on: Partner, databases: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const database of databases) {
    for (const row of await rows<{ user_name: string; sid: Buffer | null }>(ctx, on, orphansQuery(database))) {
      found.push(`${database}.${row.user_name} (SID 0x${row.sid ? Buffer.from(row.sid).toString('hex').toUpperCase() : '?'})`);
    }
  }
  return found;
}

async function failedLogins(ctx: StepContext, on: Partner): Promise<string[]> {
  try {
    const lines = await rows<{ Text: string }>(ctx, on, errorLogQuery);
    return lines
      .map((l) => String(l.Text))
      .filter((t) => t.includes('18456') || /Login failed/i.test(t))
      .slice(-3);
  } catch {
    return []; // the error log is not readable with this login: the hint says where to look
  }
}

export function verifyApplicationReady(databases: string[], on: Partner, instance: string, programs: string[]): StepDefinition {
  const sessions = sessionsQuery(databases, programs);
  const probe = async (ctx: StepContext) => {
    const orphaned = await orphans(ctx, on, databases);
    if (orphaned.length > 0) return { done: false, detail: `users without a login on ${instance}: ${orphaned.join(', ')}` };
    const connected = await rows<{ session_id: number; program_name: string }>(ctx, on, sessions);
    return connected.length > 0
      ? {
          done: true,
          detail: `every user maps to a login on ${instance}; connected: ${connected.map((s) => `${s.program_name} (session ${s.session_id})`).join(', ')}`,
        }
      : { done: false, detail: `every user maps to a login on ${instance}; no application session yet` };
  };
  return {
    id: `application-ready.${on}`,
    title: `Check that the application works on ${instance}: every database user has its login, the programs reconnected`,
    target: on,
    probe,
    async apply(ctx) {
      const orphaned = await orphans(ctx, on, databases);
      if (orphaned.length > 0) {
        throw new CheckFailedError(
          `the application cannot log in on ${instance}: users ${orphaned.join(', ')} map to no login there (18456)`,
          `run sync-logins while the other partner is up (it copies each login with its SID and password hash). If the other partner is lost, on ${instance}: CREATE LOGIN <name> WITH PASSWORD = '<the application's password>', SID = <the SID above>, then restart the application`,
        );
      }
      for (let poll = 0; poll < RECONNECT_POLLS; poll++) {
        const connected = await rows<{ session_id: number; program_name: string; database_name: string }>(ctx, on, sessions);
        if (connected.length > 0) {
          ctx.note(
            `the application reconnected to ${instance}: ${connected.map((s) => `${s.program_name} in ${s.database_name} (session ${s.session_id})`).join(', ')}`,
          );
          return;
        }
        await pause(ctx.pollMs, ctx.signal);
      }
      const failed = await failedLogins(ctx, on);
      if (failed.length > 0) {
        throw new CheckFailedError(
          `no application session reconnected to ${instance}; its error log shows: ${failed.join(' | ')}`,
          'the programs reach the new principal but their login is refused: run sync-logins, check the password and default database of the application login, then restart the Patriot services',
        );
      }
      ctx.note(
        `no application session (${programs.join(', ') || 'any program'}) is connected to ${instance} yet and its error log shows no failed login: if the Patriot services are running, check that their connection string names ${instance} (Failover Partner) — mirrorbook connection-string prints it`,
      );
    },
    verify: async (ctx) => {
      const orphaned = await orphans(ctx, on, databases);
      return orphaned.length === 0
        ? { done: true, detail: `every user maps to a login on ${instance}` }
        : { done: false, detail: `users without a login: ${orphaned.join(', ')}` };
    },
    plan: () => [
      { target: on, tsql: orphansQuery(databases[0]!) },
      { target: on, tsql: sessions },
    ],
  };
}
