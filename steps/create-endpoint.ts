// The DATABASE_MIRRORING endpoint (one per instance). An existing endpoint is compared property by
// property with the config: another name is adopted only through `endpoint.names`, another port,
// authentication or role is refused with the fix (reconfiguring an endpoint in use restarts it and
// can trigger a failover, so the operator decides). Encryption is realigned by encryption steps
// (endpoint-encryption.ts) in an order that keeps a running session's partners talking.
import { endpointNameOf, type EndpointConfig } from '../config/types.js';
import type { StepContext } from '../machines/procedure.js';
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

export function encryptionClause(endpoint: Pick<EndpointConfig, 'encryption' | 'algorithm'>): Statement {
  return endpoint.encryption === 'DISABLED' ? tsql`ENCRYPTION = DISABLED` : tsql`ENCRYPTION = ${kw(endpoint.encryption)} ALGORITHM ${kw(endpoint.algorithm)}`;
}

/** sys.database_mirroring_endpoints.encryption_algorithm_desc for the configured encryption
 * (learn.microsoft.com sys.database_mirroring_endpoints: RC4, AES, 'AES, RC4', 'NONE, AES' …). */
export function algorithmDesc(endpoint: Pick<EndpointConfig, 'encryption' | 'algorithm'>): string {
  if (endpoint.encryption === 'DISABLED') return 'NONE';
  const list = endpoint.algorithm.split(' ').join(', ');
  return endpoint.encryption === 'SUPPORTED' ? `NONE, ${list}` : list;
}

/** The algorithms an endpoint can use ([] for DISABLED), and whether it also talks unencrypted. */
export function algorithmsOf(desc: string): { algorithms: string[]; plain: boolean } {
  const parts = String(desc)
    .split(',')
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);
  return { algorithms: parts.filter((p) => p !== 'NONE'), plain: parts.includes('NONE') };
}

/** Whether two endpoints can agree on encryption (SQL Server's handshake; no common one is 28027). */
export function encryptionAgrees(a: string, b: string): boolean {
  const x = algorithmsOf(a);
  const y = algorithmsOf(b);
  if (x.algorithms.length === 0 || y.algorithms.length === 0) return (x.algorithms.length === 0 || x.plain) && (y.algorithms.length === 0 || y.plain);
  return x.algorithms.some((alg) => y.algorithms.includes(alg));
}

const servesRole = (roleDesc: string, target: SqlTarget): boolean => roleDesc === 'ALL' || roleDesc === (target === 'witness' ? 'WITNESS' : 'PARTNER');

/** What differs between an existing endpoint and the config, other than encryption. */
export function endpointDifferences(found: EndpointRow, target: SqlTarget, endpoint: EndpointConfig, auth: EndpointAuth): string[] {
  const name = endpointNameOf(endpoint, target);
  const problems: string[] = [];
  if (found.name.toLowerCase() !== name.toLowerCase()) problems.push(`it is named ${found.name}, the config says ${name}`);
  if (Number(found.port) !== endpoint.port) problems.push(`it listens on port ${found.port}, the config says ${endpoint.port}`);
  const isCertificate = String(found.connection_auth_desc).startsWith('CERTIFICATE');
  if (auth.kind === 'certificate' && (!isCertificate || (found.certificate_name ?? '').toLowerCase() !== auth.certificate.toLowerCase())) {
    problems.push(
      `it authenticates with ${found.connection_auth_desc}${found.certificate_name ? ` ${found.certificate_name}` : ''}, the config says CERTIFICATE ${auth.certificate}`,
    );
  }
  if (auth.kind === 'windows' && isCertificate) problems.push(`it authenticates with ${found.connection_auth_desc}, the config says WINDOWS`);
  if (!servesRole(found.role_desc, target))
    problems.push(`its ROLE is ${found.role_desc}, the ${target} needs ${target === 'witness' ? 'WITNESS or ALL' : 'PARTNER or ALL'}`);
  return problems;
}

/** The statement that fixes the first difference, for a hint. */
export function endpointFix(found: EndpointRow, target: SqlTarget, endpoint: EndpointConfig): string {
  if (found.name.toLowerCase() !== endpointNameOf(endpoint, target).toLowerCase())
    return `to adopt it, set endpoint.names.${target}: ${found.name} in the config`;
  if (!servesRole(found.role_desc, target)) return `ALTER ENDPOINT [${found.name}] FOR DATABASE_MIRRORING (ROLE = ALL)`;
  return `change the config to match it, or fix the endpoint — e.g. ALTER ENDPOINT [${found.name}] AS TCP (LISTENER_PORT = ${endpoint.port})`;
}

export function createEndpoint(target: SqlTarget, endpoint: EndpointConfig, auth: EndpointAuth) {
  const authentication =
    auth.kind === 'certificate' ? tsql`AUTHENTICATION = CERTIFICATE ${id('certificate', auth.certificate)}` : tsql`AUTHENTICATION = WINDOWS NEGOTIATE`;
  const role = kw(target === 'witness' ? 'WITNESS' : 'ALL');
  const name = endpointNameOf(endpoint, target);
  return sqlStep({
    id: `${target}.endpoint`,
    title: `Create mirroring endpoint ${name} on port ${endpoint.port} on the ${target}`,
    target,
    statements: [
      tsql`CREATE ENDPOINT ${id('endpoint', name)} STATE = STARTED AS TCP (LISTENER_PORT = ${endpoint.port}, LISTENER_IP = ALL) FOR DATABASE_MIRRORING (${authentication}, ${encryptionClause(endpoint)}, ROLE = ${role})`,
    ],
    async probe(ctx) {
      const found = await readEndpoint(ctx, target);
      if (!found) return { done: false, detail: 'no mirroring endpoint' };
      const problems = endpointDifferences(found, target, endpoint, auth);
      if (problems.length > 0) {
        throw new CheckFailedError(
          `the ${target} already has a mirroring endpoint that differs from the config: ${problems.join('; ')}`,
          `only one mirroring endpoint is allowed per instance: ${endpointFix(found, target, endpoint)} (an ALTER restarts it; do it outside a live session) and resume`,
        );
      }
      const realign =
        found.encryption_algorithm_desc.toUpperCase() === algorithmDesc(endpoint)
          ? ''
          : ` (encryption ${found.encryption_algorithm_desc}, the config says ${algorithmDesc(endpoint)}: realigned by the encryption steps)`;
      return {
        done: true,
        detail: `endpoint ${found.name} on port ${found.port}, ${found.state_desc}, ROLE ${found.role_desc}, ${found.connection_auth_desc}, ${found.encryption_algorithm_desc}${realign}`,
      };
    },
  });
}

/** An endpoint created STOPPED (the default) or stopped later refuses every partner (1418). */
export function startEndpoint(target: SqlTarget, endpoint: EndpointConfig) {
  const name = endpointNameOf(endpoint, target);
  return sqlStep({
    id: `${target}.endpoint-started`,
    title: `Make sure endpoint ${name} is STARTED on the ${target}`,
    target,
    statements: [tsql`ALTER ENDPOINT ${id('endpoint', name)} STATE = STARTED`],
    async probe(ctx) {
      const found = await readEndpoint(ctx, target);
      if (!found) return { done: false, detail: 'no mirroring endpoint' };
      return found.state_desc === 'STARTED'
        ? { done: true, detail: `endpoint ${found.name} STARTED` }
        : { done: false, detail: `endpoint ${found.name} is ${found.state_desc}` };
    },
  });
}
