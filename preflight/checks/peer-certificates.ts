// Each partner's copy of a peer's certificate, against the certificate that peer's endpoint uses.
// In certificate mode a partner's endpoint login holds the other partner's certificate: a copy
// with another thumbprint (the peer recreated its certificate) fails the handshake, and the login
// needs CONNECT on the endpoint.
// https://learn.microsoft.com/sql/database-engine/database-mirroring/use-certificates-for-a-database-mirroring-endpoint-transact-sql
import { endpointNameOf } from '../../config/types.js';
import { lit, tsql } from '../../steps/tsql.js';
import { fail, ok, reachable, SETUP_PROCEDURES, type Finding, type PreflightCheck } from '../check.js';

const PEER = 'peer-certificates';

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
        else findings.push(fail(PEER, where, `holds ${owner.config.instance}'s ${name}, but login ${login} has no CONNECT on the endpoint`, `GRANT CONNECT ON ENDPOINT::[${endpointNameOf(endpoint, holder.role)}] TO [${login}] on ${where}`));
      }
    }
    return findings;
  },
};
