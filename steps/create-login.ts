// The login a peer's endpoint connects as: a SQL login owning the peer's certificate (certificate
// auth; its password is never used to log in) or the Windows service account (domain auth).
// A disabled login is no login to a peer: its handshake is refused (18456 state 7, "The account is
// disabled.", learn.microsoft.com: MSSQLSERVER_18456) and SET PARTNER only says 1418. So the probe
// compares is_disabled too, and the step enables a disabled one (ALTER LOGIN … ENABLE, audited with
// a note saying why) rather than creating it again.
import type { Secret } from '../config/secret.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { CheckFailedError, firstRow, isTrue, type SqlTarget } from './step.js';
import { id, lit, tsql, type Statement } from './tsql.js';

const loginQuery = (name: string) => tsql`SELECT name, type_desc, is_disabled FROM sys.server_principals WHERE name = ${lit(name)}`;

interface LoginRow {
  type_desc: string;
  is_disabled: unknown;
}

/** What the endpoint needs of a peer's login: `found` as sys.server_principals has it. */
export async function peerLogin(ctx: StepContext, target: SqlTarget, name: string): Promise<{ exists: boolean; disabled: boolean; type?: string }> {
  const row = await firstRow<LoginRow>(ctx, target, loginQuery(name));
  return row ? { exists: true, disabled: isTrue(row.is_disabled), type: row.type_desc } : { exists: false, disabled: false };
}

function loginStep(target: SqlTarget, name: string, kind: 'login' | 'windows-login', create: Statement, title: string): StepDefinition {
  const expectedType = kind === 'login' ? 'SQL_LOGIN' : 'WINDOWS_LOGIN';
  const probe = async (ctx: StepContext) => {
    const found = await peerLogin(ctx, target, name);
    if (!found.exists) return { done: false, detail: `no login ${name}` };
    if (found.disabled) return { done: false, detail: `login ${name} exists (${found.type}) but is disabled: the peer's handshake is refused` };
    return { done: true, detail: `login ${name} exists (${found.type}), enabled` };
  };
  return {
    id: `${target}.login.${name}`,
    title,
    target,
    probe,
    async apply(ctx) {
      const found = await peerLogin(ctx, target, name);
      if (!found.exists) {
        await ctx.sql(target, create);
        return;
      }
      if (!found.disabled) return;
      if (found.type !== expectedType) {
        throw new CheckFailedError(
          `login ${name} on the ${target} is a ${found.type}, not the ${expectedType} the endpoint needs, and it is disabled`,
          `someone else's login has that name: rename the peer's login in the config (auth.names) or drop that login on purpose, then resume`,
        );
      }
      ctx.note(`login ${name} on the ${target} was disabled: a peer connecting as it is refused (18456 state 7) — enabled, as the endpoint needs it`);
      await ctx.sql(target, tsql`USE master; ALTER LOGIN ${id(kind, name)} ENABLE`);
    },
    verify: probe,
    plan: () => [{ target, tsql: create }],
  };
}

export function createSqlLogin(target: SqlTarget, name: string, password: Secret): StepDefinition {
  return loginStep(
    target,
    name,
    'login',
    tsql`USE master; CREATE LOGIN ${id('login', name)} WITH PASSWORD = ${password}`,
    `Create login ${name} on the ${target}`,
  );
}

export function createWindowsLogin(target: SqlTarget, account: string): StepDefinition {
  return loginStep(
    target,
    account,
    'windows-login',
    tsql`USE master; CREATE LOGIN ${id('windows-login', account)} FROM WINDOWS`,
    `Create login ${account} (the SQL Server service account) on the ${target}`,
  );
}
