// The login a peer's endpoint connects as: a SQL login owning the peer's certificate (certificate
// auth; its password is never used to log in) or the Windows service account (domain auth).
import type { Secret } from '../config/secret.js';
import { firstRow, sqlStep, type SqlTarget } from './step.js';
import { id, lit, tsql } from './tsql.js';

const loginQuery = (name: string) => tsql`SELECT name, type_desc, is_disabled FROM sys.server_principals WHERE name = ${lit(name)}`;

function probeLogin(target: SqlTarget, name: string) {
  return async (ctx: Parameters<ReturnType<typeof sqlStep>['probe']>[0]) => {
    const row = await firstRow<{ type_desc: string }>(ctx, target, loginQuery(name));
    return row ? { done: true, detail: `login ${name} exists (${row.type_desc})` } : { done: false, detail: `no login ${name}` };
  };
}

export function createSqlLogin(target: SqlTarget, name: string, password: Secret) {
  return sqlStep({
    id: `${target}.login.${name}`,
    title: `Create login ${name} on the ${target}`,
    target,
    statements: [tsql`USE master; CREATE LOGIN ${id('login', name)} WITH PASSWORD = ${password}`],
    probe: probeLogin(target, name),
  });
}

export function createWindowsLogin(target: SqlTarget, account: string) {
  return sqlStep({
    id: `${target}.login.${account}`,
    title: `Create login ${account} (the SQL Server service account) on the ${target}`,
    target,
    statements: [tsql`USE master; CREATE LOGIN ${id('windows-login', account)} FROM WINDOWS`],
    probe: probeLogin(target, account),
  });
}
