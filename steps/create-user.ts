// The user in master that owns the peer's certificate; its login is who gets CONNECT.
import { CheckFailedError, firstRow, sqlStep, type SqlTarget } from './step.js';
import { id, lit, tsql } from './tsql.js';

export function createUser(target: SqlTarget, user: string, login: string) {
  const query = tsql`SELECT u.name, l.name AS login_name FROM master.sys.database_principals u LEFT JOIN sys.server_principals l ON l.sid = u.sid WHERE u.name = ${lit(user)}`;
  return sqlStep({
    id: `${target}.user.${user}`,
    title: `Create user ${user} for login ${login} in master on the ${target}`,
    target,
    statements: [tsql`USE master; CREATE USER ${id('user', user)} FOR LOGIN ${id('login', login)}`],
    async probe(ctx) {
      const row = await firstRow<{ login_name: string | null }>(ctx, target, query);
      if (!row) return { done: false, detail: `no user ${user} in master` };
      if ((row.login_name ?? '').toLowerCase() !== login.toLowerCase()) {
        throw new CheckFailedError(
          `user ${user} exists in master on the ${target} but belongs to login ${row.login_name ?? '(none)'}, not ${login}`,
          `drop it (USE master; DROP USER [${user}]) or name another user in auth.users, then resume`,
        );
      }
      return { done: true, detail: `user ${user} exists for login ${login}` };
    },
  });
}
