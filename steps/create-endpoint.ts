// The DATABASE_MIRRORING endpoint (one per instance). An existing endpoint with another name, port
// or authentication is not silently changed: reconfiguring an endpoint in use restarts it and can
// trigger a failover, so the operator decides.
import type { EndpointConfig } from '../config/types.js';
import type { StepContext } from '../machines/runbook.js';
import { CheckFailedError, firstRow, sqlStep, type SqlTarget } from './step.js';
import { id, kw, tsql, type Statement } from './tsql.js';

export type EndpointAuth = { kind: 'certificate'; certificate: string } | { kind: 'windows' };

export interface EndpointRow {
  name: string;
  state_desc: string;
  role_desc: string;
  connection_auth_desc: string;
  encryption_algorithm_desc: string;
  certificate_name: string | null;
  port: number;
}

export const endpointQuery = tsql`SELECT e.name, e.state_desc, e.role_desc, e.connection_auth_desc, e.encryption_algorithm_desc, c.name AS certificate_name, t.port FROM sys.database_mirroring_endpoints e JOIN sys.tcp_endpoints t ON t.endpoint_id = e.endpoint_id LEFT JOIN master.sys.certificates c ON c.certificate_id = e.certificate_id`;

export async function readEndpoint(ctx: StepContext, target: SqlTarget): Promise<EndpointRow | undefined> {
  return firstRow<EndpointRow>(ctx, target, endpointQuery);
}

function encryptionClause(endpoint: EndpointConfig): Statement {
  return endpoint.encryption === 'DISABLED' ? tsql`ENCRYPTION = DISABLED` : tsql`ENCRYPTION = ${kw(endpoint.encryption)} ALGORITHM ${kw(endpoint.algorithm)}`;
}

export function createEndpoint(target: SqlTarget, endpoint: EndpointConfig, auth: EndpointAuth) {
  const authentication = auth.kind === 'certificate' ? tsql`AUTHENTICATION = CERTIFICATE ${id('certificate', auth.certificate)}` : tsql`AUTHENTICATION = WINDOWS NEGOTIATE`;
  const role = kw(target === 'witness' ? 'WITNESS' : 'ALL');
  return sqlStep({
    id: `${target}.endpoint`,
    title: `Create mirroring endpoint ${endpoint.name} on port ${endpoint.port} on the ${target}`,
    target,
    statements: [
      tsql`CREATE ENDPOINT ${id('endpoint', endpoint.name)} STATE = STARTED AS TCP (LISTENER_PORT = ${endpoint.port}, LISTENER_IP = ALL) FOR DATABASE_MIRRORING (${authentication}, ${encryptionClause(endpoint)}, ROLE = ${role})`,
    ],
    async probe(ctx) {
      const found = await readEndpoint(ctx, target);
      if (!found) return { done: false, detail: 'no mirroring endpoint' };
      const problems: string[] = [];
      if (found.name.toLowerCase() !== endpoint.name.toLowerCase()) problems.push(`it is named ${found.name}, the config says ${endpoint.name}`);
      if (Number(found.port) !== endpoint.port) problems.push(`it listens on port ${found.port}, the config says ${endpoint.port}`);
      const isCertificate = String(found.connection_auth_desc).startsWith('CERTIFICATE');
      if (auth.kind === 'certificate' && (!isCertificate || (found.certificate_name ?? '').toLowerCase() !== auth.certificate.toLowerCase())) {
        problems.push(`it authenticates with ${found.connection_auth_desc}${found.certificate_name ? ` ${found.certificate_name}` : ''}, the config says CERTIFICATE ${auth.certificate}`);
      }
      if (auth.kind === 'windows' && isCertificate) problems.push(`it authenticates with ${found.connection_auth_desc}, the config says WINDOWS`);
      if (problems.length > 0) {
        throw new CheckFailedError(
          `the ${target} already has a mirroring endpoint that differs from the config: ${problems.join('; ')}`,
          `only one mirroring endpoint is allowed per instance. Either change the config to match it, or fix the endpoint — e.g. ALTER ENDPOINT [${found.name}] AS TCP (LISTENER_PORT = ${endpoint.port}) — (this restarts it; do it outside a live session) and resume`,
        );
      }
      return { done: true, detail: `endpoint ${found.name} on port ${found.port}, ${found.state_desc}, ${found.connection_auth_desc}, ${found.encryption_algorithm_desc}` };
    },
  });
}

/** An endpoint created STOPPED (the default) or stopped later refuses every partner (1418). */
export function startEndpoint(target: SqlTarget, endpoint: EndpointConfig) {
  return sqlStep({
    id: `${target}.endpoint-started`,
    title: `Make sure endpoint ${endpoint.name} is STARTED on the ${target}`,
    target,
    statements: [tsql`ALTER ENDPOINT ${id('endpoint', endpoint.name)} STATE = STARTED`],
    async probe(ctx) {
      const found = await readEndpoint(ctx, target);
      if (!found) return { done: false, detail: 'no mirroring endpoint' };
      return found.state_desc === 'STARTED' ? { done: true, detail: `endpoint ${found.name} STARTED` } : { done: false, detail: `endpoint ${found.name} is ${found.state_desc}` };
    },
  });
}

