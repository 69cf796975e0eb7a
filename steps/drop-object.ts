// Clean-up after disable: endpoint, peer certificates, users and logins, the instance's own
// certificate. Each drop is probed (absent = done) and refused while any database is mirrored.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { isMirrored, readDatabase } from './database-state.js';
import { CheckFailedError, firstRow, rows, type SqlTarget } from './step.js';
import { id, lit, tsql, type Statement } from './tsql.js';

export type DroppableKind = 'endpoint' | 'certificate' | 'user' | 'login';

const EXISTS: Record<DroppableKind, (name: string) => Statement> = {
  endpoint: (n) => tsql`SELECT name FROM sys.endpoints WHERE name = ${lit(n)}`,
  certificate: (n) => tsql`SELECT name FROM master.sys.certificates WHERE name = ${lit(n)}`,
  user: (n) => tsql`SELECT name FROM master.sys.database_principals WHERE name = ${lit(n)}`,
  login: (n) => tsql`SELECT name FROM sys.server_principals WHERE name = ${lit(n)}`,
};

const DROP: Record<DroppableKind, (name: string) => Statement> = {
  endpoint: (n) => tsql`DROP ENDPOINT ${id('endpoint', n)}`,
  certificate: (n) => tsql`USE master; DROP CERTIFICATE ${id('certificate', n)}`,
  user: (n) => tsql`USE master; DROP USER ${id('user', n)}`,
  login: (n) => tsql`DROP LOGIN ${id(n.includes('\\') ? 'windows-login' : 'login', n)}`,
};

const SESSIONS = tsql`SELECT DB_NAME(database_id) AS name, ${lit('a mirroring session')} AS used_by FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL`;
const WITNESSED = tsql`SELECT database_name AS name, ${lit('a mirroring session it witnesses')} AS used_by FROM sys.database_mirroring_witnesses`;
// The instance's own replica of each availability group: its endpoint_url is this instance's
// DATABASE_MIRRORING endpoint ("the database mirroring endpoint that is used by connections between
// primary and secondary replicas", learn.microsoft.com: sys.availability_replicas). Matched without
// regard to case against both @@SERVERNAME and SERVERPROPERTY('ServerName'): after a rename the two
// can differ until the service restarts, and either may be what the group was created with.
const REPLICAS = tsql`SELECT ag.name AS group_name, ar.endpoint_url FROM sys.availability_replicas ar JOIN sys.availability_groups ag ON ag.group_id = ar.group_id WHERE UPPER(ar.replica_server_name) IN (UPPER(@@SERVERNAME), UPPER(CAST(SERVERPROPERTY('ServerName') AS nvarchar(128))))`;
// A database that belongs to an availability group here (sys.databases.group_database_id, 2012+):
// it needs the endpoint even when the replica rows above do not name this instance.
const GROUP_DATABASES = tsql`SELECT name, ${lit('an availability group database')} AS used_by FROM sys.databases WHERE group_database_id IS NOT NULL`;

/** Who else talks through the instance's one DATABASE_MIRRORING endpoint: every mirroring session
 * (any database, configured or not), every session it witnesses, every availability group with a
 * replica here (2012+). */
async function endpointUsers(ctx: StepContext, target: SqlTarget): Promise<string[]> {
  const users: string[] = [];
  for (const query of [SESSIONS, WITNESSED]) {
    users.push(...(await rows<{ name: string; used_by: string }>(ctx, target, query)).map((r) => `${r.name} (${r.used_by})`));
  }
  try {
    users.push(
      ...(await rows<{ group_name: string; endpoint_url: string | null }>(ctx, target, REPLICAS)).map(
        (r) => `availability group ${r.group_name} (its replica here, endpoint_url ${r.endpoint_url ?? 'unknown'})`,
      ),
    );
    users.push(...(await rows<{ name: string; used_by: string }>(ctx, target, GROUP_DATABASES)).map((r) => `${r.name} (${r.used_by})`));
  } catch (error) {
    // Before 2012 there is no sys.availability_replicas (Msg 208) nor sys.databases.group_database_id
    // (Msg 207), and no availability group.
    const number = (error as { number?: number }).number;
    if (number !== 208 && number !== 207) throw error;
  }
  return users;
}

export function dropObject(target: SqlTarget, kind: DroppableKind, name: string, databases: string[]): StepDefinition {
  const statement = DROP[kind](name);
  const probe = async (ctx: StepContext) => {
    const found = await firstRow(ctx, target, EXISTS[kind](name));
    if (!found) return { done: true, detail: `no ${kind} ${name} on the ${target}` };
    if (kind === 'endpoint') {
      const users = await endpointUsers(ctx, target);
      if (users.length > 0) {
        throw new CheckFailedError(
          `endpoint ${name} on the ${target} still carries ${users.join(', ')}: dropping it would cut them off`,
          'cleanup drops the endpoint only when nothing uses it: remove those sessions first (disable, or ALTER DATABASE … SET PARTNER OFF / SET WITNESS OFF on purpose; an availability group keeps using it through its replica: remove the replica first, ALTER AVAILABILITY GROUP … REMOVE REPLICA ON …), or keep the endpoint and resume',
          false,
        );
      }
    }
    return { done: false, detail: `${kind} ${name} exists on the ${target}` };
  };
  return {
    id: `cleanup.${target}.${kind}.${name}`,
    title: `Drop ${kind} ${name} on the ${target}`,
    target,
    // The instance's one mirroring endpoint: dropped only when the operator types its name.
    ...(kind === 'endpoint'
      ? {
          destructive: {
            confirmText: name,
            consequences: `DROP ENDPOINT removes the only DATABASE_MIRRORING endpoint of the ${target}: no mirroring session or availability-group replica can use this instance until one is created again`,
          },
        }
      : {}),
    probe,
    async apply(ctx) {
      for (const database of databases) {
        if (isMirrored(await readDatabase(ctx, target, database))) {
          throw new CheckFailedError(
            `${database} is still mirrored on the ${target}`,
            'run disable first; the endpoint and its security objects carry the session',
          );
        }
      }
      await ctx.sql(target, statement);
    },
    verify: probe,
    plan: () => [{ target, tsql: statement }],
  };
}
