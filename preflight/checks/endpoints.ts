// The mirroring endpoints already on each server, against the config and against each other: name,
// port, role, authentication and encryption. Two partners whose endpoints share no encryption
// algorithm (RC4 on one, AES on the other), or where one requires encryption the other disables,
// never complete the handshake (the session stays DISCONNECTED, ALTER DATABASE … SET PARTNER gives
// 1418). Only one DATABASE_MIRRORING endpoint is allowed per instance, so a different one is not
// replaced by the setup: the operator changes it (ALTER ENDPOINT restarts it).
// https://learn.microsoft.com/sql/database-engine/database-mirroring/transport-security-database-mirroring-always-on-availability
// https://learn.microsoft.com/sql/t-sql/statements/alter-endpoint-transact-sql
import type { PartnerRole } from '../../config/types.js';
import { endpointQuery, type EndpointRow } from '../../steps/create-endpoint.js';
import { lit, tsql } from '../../steps/tsql.js';
import { fail, ok, reachable, SETUP_PROCEDURES, warn, type Finding, type PreflightCheck } from '../check.js';

const ID = 'endpoints';

/** sys.database_mirroring_endpoints.encryption_algorithm_desc as tokens: NONE (DISABLED), the
 * algorithms (REQUIRED), or NONE and the algorithms (SUPPORTED: unencrypted is accepted too). */
const tokens = (desc: string): string[] => desc.toUpperCase().split(/[\s,]+/).filter(Boolean);
const algorithms = (row: EndpointRow): string[] => tokens(row.encryption_algorithm_desc).filter((t) => t !== 'NONE');
const acceptsNone = (row: EndpointRow): boolean => tokens(row.encryption_algorithm_desc).includes('NONE');

const expectedRoles = (role: PartnerRole): string[] => (role === 'witness' ? ['WITNESS', 'ALL'] : ['PARTNER', 'ALL']);

export const endpointsCheck: PreflightCheck = {
  id: ID,
  title: 'existing mirroring endpoints match the config and agree with each other (name, port, role, authentication, algorithm)',
  async run(ctx) {
    const { endpoint, auth } = ctx.config;
    const setup = (SETUP_PROCEDURES as readonly string[]).includes(ctx.procedure);
    const findings: Finding[] = [];
    const found: { instance: string; row: EndpointRow }[] = [];
    for (const server of reachable(ctx)) {
      const instance = server.config.instance;
      const row = (await ctx.rows<EndpointRow>(server.role, endpointQuery))[0];
      if (!row) {
        findings.push(setup
          ? ok(ID, instance, `no mirroring endpoint yet: the setup creates ${endpoint.name} on port ${server.config.endpointPort}`)
          : warn(ID, instance, 'no mirroring endpoint', `the partners cannot connect to ${instance}: run certificate-setup (or domain-setup) first`));
        continue;
      }
      found.push({ instance, row });
      // Each difference with the statement that fixes it on the server (or the config to change).
      const problems: { found: string; fix: string }[] = [];
      const alter = `ALTER ENDPOINT [${row.name}]`;
      if (row.name.toLowerCase() !== endpoint.name.toLowerCase()) problems.push({ found: `named ${row.name}, the config says ${endpoint.name}`, fix: `set endpoint.name: ${row.name} in the config` });
      if (Number(row.port) !== server.config.endpointPort) problems.push({ found: `port ${row.port}, ${server.config.mirroringAddress} says ${server.config.endpointPort}`, fix: `${alter} AS TCP (LISTENER_PORT = ${server.config.endpointPort})` });
      if (!expectedRoles(server.role).includes(row.role_desc)) problems.push({ found: `ROLE = ${row.role_desc}, the ${server.role} needs ${expectedRoles(server.role).join(' or ')}`, fix: `${alter} FOR DATABASE_MIRRORING (ROLE = ${server.role === 'witness' ? 'WITNESS' : 'ALL'})` });
      const certificate = String(row.connection_auth_desc).startsWith('CERTIFICATE');
      if (auth.mode === 'certificate') {
        const wanted = auth.names[server.role].certificate;
        if (!certificate || (row.certificate_name ?? '').toLowerCase() !== wanted.toLowerCase()) problems.push({ found: `AUTHENTICATION = ${row.connection_auth_desc}${row.certificate_name ? ` ${row.certificate_name}` : ''}, the config says CERTIFICATE ${wanted}`, fix: `${alter} FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE [${wanted}])` });
      } else if (certificate) {
        problems.push({ found: `AUTHENTICATION = ${row.connection_auth_desc}, the config says WINDOWS (domain)`, fix: `${alter} FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE)` });
      }
      const encryption = endpoint.encryption === 'DISABLED' ? 'DISABLED' : `${endpoint.encryption} ALGORITHM ${endpoint.algorithm}`;
      const configured = endpoint.encryption === 'DISABLED' ? 'NONE' : endpoint.encryption === 'SUPPORTED' ? `NONE ${endpoint.algorithm}` : endpoint.algorithm;
      if (tokens(row.encryption_algorithm_desc).join(' ') !== tokens(configured).join(' ')) problems.push({ found: `encryption ${row.encryption_algorithm_desc}, the config says ${encryption}`, fix: `${alter} FOR DATABASE_MIRRORING (ENCRYPTION = ${encryption})` });
      const span = `${row.name} on port ${row.port}, ROLE = ${row.role_desc}, ${row.connection_auth_desc}${row.certificate_name ? ` ${row.certificate_name}` : ''}, encryption ${row.encryption_algorithm_desc}, ${row.state_desc}`;
      findings.push(problems.length
        ? fail(ID, instance, `${span}: ${problems.map((p) => p.found).join('; ')}`, `one endpoint per instance, so setup does not replace it: on ${instance}, outside a live session (it restarts the endpoint): ${problems.map((p) => p.fix).join('; ')} — or make the config say what it is`)
        : ok(ID, instance, span));
    }
    // Every pair of endpoints must agree on encryption (whatever the config says).
    for (const [i, a] of found.entries()) {
      for (const b of found.slice(i + 1)) {
        const agree = (acceptsNone(a.row) && acceptsNone(b.row)) || algorithms(a.row).some((alg) => algorithms(b.row).includes(alg));
        if (agree) continue;
        findings.push(fail(ID, `${a.instance}+${b.instance}`,
          `${a.instance} encrypts with ${a.row.encryption_algorithm_desc}, ${b.instance} with ${b.row.encryption_algorithm_desc}: they accept no common encryption, the endpoints' handshake fails (1418)`,
          `give both the same algorithm, e.g. on the one that differs from the config: ALTER ENDPOINT [${endpoint.name}] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM ${endpoint.algorithm === 'RC4' ? 'RC4' : 'AES'})`));
      }
    }
    return findings;
  },
};

const PEER = 'peer-certificates';

/** In certificate mode each partner's endpoint login holds the other partners' certificates: the
 * copy on one side must be the certificate the other side's endpoint uses (same thumbprint), and
 * its login needs CONNECT on the endpoint; a stale copy (the peer recreated its certificate) fails
 * the handshake. */
export const peerCertificatesCheck: PreflightCheck = {
  id: PEER,
  title: "each partner's copy of a peer's certificate is the one that peer uses, and its login may CONNECT",
  async run(ctx) {
    const { auth, endpoint } = ctx.config;
    if (auth.mode !== 'certificate') return [];
    const setup = (SETUP_PROCEDURES as readonly string[]).includes(ctx.procedure);
    const servers = reachable(ctx);
    const certificates = new Map<string, { name: string; thumbprint: string }[]>();
    for (const server of servers) {
      const rows = await ctx.rows<{ name: string; thumbprint: Buffer }>(server.role, tsql`SELECT name, thumbprint FROM master.sys.certificates WHERE name NOT LIKE ${lit('##%')}`);
      certificates.set(server.role, rows.map((r) => ({ name: r.name, thumbprint: Buffer.from(r.thumbprint).toString('hex') })));
    }
    const findings: Finding[] = [];
    for (const owner of servers) {
      const name = auth.names[owner.role].certificate;
      const own = certificates.get(owner.role)?.find((c) => c.name.toLowerCase() === name.toLowerCase());
      for (const holder of servers.filter((s) => s !== owner)) {
        const where = `${holder.config.instance}`;
        const copy = certificates.get(holder.role)?.find((c) => c.name.toLowerCase() === name.toLowerCase());
        if (!copy || !own) {
          // The witness's certificates are the witness setup's business; a partner's must be on the other.
          if (!setup && own && owner.role !== 'witness' && holder.role !== 'witness') findings.push(fail(PEER, where, `no copy of ${owner.config.instance}'s certificate ${name}`, `${owner.config.instance} cannot authenticate to ${where}: run certificate-setup`));
          continue;
        }
        if (copy.thumbprint !== own.thumbprint) {
          findings.push(fail(PEER, where, `its copy of ${name} (thumbprint 0x${copy.thumbprint.slice(0, 16)}…) is not the certificate ${owner.config.instance} uses (0x${own.thumbprint.slice(0, 16)}…)`, `the handshake fails: on ${where}, USE master; DROP CERTIFICATE [${name}] (and the user and login that own it), then run certificate-setup: it imports the current one`));
          continue;
        }
        const login = auth.names[owner.role].login;
        const grants = await ctx.rows<{ state_desc: string }>(holder.role, tsql`SELECT sp.state_desc FROM sys.server_permissions sp JOIN sys.endpoints e ON sp.major_id = e.endpoint_id JOIN sys.server_principals p ON p.principal_id = sp.grantee_principal_id WHERE sp.class = 105 AND sp.permission_name = ${lit('CONNECT')} AND sp.state IN (${lit('G')}, ${lit('W')}) AND p.name = ${lit(login)}`);
        if (grants.length || setup) findings.push(ok(PEER, where, `holds ${owner.config.instance}'s ${name} (same thumbprint)${grants.length ? `; ${login} may CONNECT` : ''}`));
        else findings.push(fail(PEER, where, `holds ${owner.config.instance}'s ${name}, but login ${login} has no CONNECT on the endpoint`, `GRANT CONNECT ON ENDPOINT::[${endpoint.name}] TO [${login}] on ${where}`));
      }
    }
    return findings;
  },
};
