// Clean-up after disable: endpoint, peer certificates, users and logins, the instance's own
// certificate. Each drop is probed (absent = done) and refused while any database is mirrored.
import type { StepContext, StepDefinition } from '../machines/runbook.js';
import { isMirrored, readDatabase } from './database-state.js';
import { CheckFailedError, firstRow, type SqlTarget } from './step.js';
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

export function dropObject(target: SqlTarget, kind: DroppableKind, name: string, databases: string[]): StepDefinition {
  const statement = DROP[kind](name);
  const probe = async (ctx: StepContext) => {
    const found = await firstRow(ctx, target, EXISTS[kind](name));
    return found ? { done: false, detail: `${kind} ${name} exists on the ${target}` } : { done: true, detail: `no ${kind} ${name} on the ${target}` };
  };
  return {
    id: `cleanup.${target}.${kind}.${name}`,
    title: `Drop ${kind} ${name} on the ${target}`,
    target,
    probe,
    async apply(ctx) {
      for (const database of databases) {
        if (isMirrored(await readDatabase(ctx, target, database))) {
          throw new CheckFailedError(`${database} is still mirrored on the ${target}`, 'run disable first; the endpoint and its security objects carry the session');
        }
      }
      await ctx.sql(target, statement);
    },
    verify: probe,
    plan: () => [{ target, tsql: statement }],
  };
}
