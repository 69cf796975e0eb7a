// Without CONNECT on the endpoint the peer's handshake fails (28034 in the peer's ERRORLOG) and the
// caller of SET PARTNER only sees 1418 — so the grant is probed, not assumed.
import type { StepContext } from '../machines/procedure.js';
import { firstRow, sqlStep, type SqlTarget } from './step.js';
import { id, lit, tsql } from './tsql.js';

export async function hasEndpointConnect(ctx: StepContext, target: SqlTarget, endpoint: string, login: string): Promise<boolean> {
  const row = await firstRow(
    ctx,
    target,
    tsql`SELECT sp.state_desc FROM sys.server_permissions sp JOIN sys.endpoints e ON sp.major_id = e.endpoint_id JOIN sys.server_principals p ON p.principal_id = sp.grantee_principal_id WHERE sp.class = 105 AND sp.permission_name = ${lit('CONNECT')} AND sp.state IN (${lit('G')}, ${lit('W')}) AND e.name = ${lit(endpoint)} AND p.name = ${lit(login)}`,
  );
  return row !== undefined;
}

export function grantEndpointConnect(target: SqlTarget, endpoint: string, login: string, windows = false) {
  return sqlStep({
    id: `${target}.connect.${login}`,
    title: `Grant CONNECT on endpoint ${endpoint} to ${login} on the ${target}`,
    target,
    statements: [tsql`USE master; GRANT CONNECT ON ENDPOINT::${id('endpoint', endpoint)} TO ${id(windows ? 'windows-login' : 'login', login)}`],
    async probe(ctx) {
      return (await hasEndpointConnect(ctx, target, endpoint, login))
        ? { done: true, detail: `${login} has CONNECT on ${endpoint}` }
        : { done: false, detail: `${login} has no CONNECT on ${endpoint}` };
    },
  });
}
