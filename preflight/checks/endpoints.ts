// The mirroring endpoints that already exist, compared property by property with the config and
// with each other: name (adopted through endpoint.names), port, role, authentication (which
// certificate), state, and encryption. Two endpoints without a common algorithm refuse each other
// (28027 in the accepting side's error log, 1418 to SET PARTNER): the vendor guide builds
// `ENCRYPTION = REQUIRED ALGORITHM RC4`, a new endpoint uses AES. The procedures that create the
// endpoints realign them (steps/endpoint-encryption.ts), so for those it is a ⚠ saying what they will
// send; for the others it is a ✗ with the statement that fixes it.
import { endpointNameOf, type PartnerRole } from '../../config/types.js';
import { algorithmDesc, encryptionAgrees, endpointDifferences, endpointFix, endpointQuery, type EndpointAuth, type EndpointRow } from '../../steps/create-endpoint.js';
import { fail, ok, reachable, warn, type Finding, type PreflightCheck, type PreflightContext } from '../check.js';

const ID = 'endpoints';
/** The procedures that create the endpoints, and so adopt and realign existing ones. */
const REALIGNING: readonly string[] = ['domain-setup', 'certificate-setup', 'setup', 'add-witness'];

function authOf(ctx: PreflightContext, role: PartnerRole): EndpointAuth {
  const { auth } = ctx.config;
  return auth.mode === 'certificate' ? { kind: 'certificate', certificate: auth.names[role].certificate } : { kind: 'windows' };
}

export const endpointsCheck: PreflightCheck = {
  id: ID,
  title: 'existing mirroring endpoints match the config (name, port, role, authentication, state, encryption) and can talk to each other',
  procedures: [...REALIGNING, 'enable', 'resume-session', 'failover', 'failback'],
  async run(ctx) {
    const findings: Finding[] = [];
    const realigns = REALIGNING.includes(ctx.procedure);
    const wanted = algorithmDesc(ctx.config.endpoint);
    const found = new Map<PartnerRole, { instance: string; row: EndpointRow }>();
    for (const server of reachable(ctx)) {
      const { role } = server;
      const instance = server.config.instance;
      const [row] = await ctx.rows<EndpointRow>(role, endpointQuery);
      if (!row) {
        findings.push(realigns ? ok(ID, instance, `no mirroring endpoint yet: ${ctx.procedure} creates ${endpointNameOf(ctx.config.endpoint, role)} on port ${ctx.config.endpoint.port} (${wanted})`) : fail(ID, instance, 'no mirroring endpoint', `run setup (or ${ctx.config.auth.mode}-setup) first: the partners cannot connect without one`));
        continue;
      }
      found.set(role, { instance, row });
      const what = `${row.name} on port ${row.port}, ${row.state_desc}, ROLE ${row.role_desc}, ${row.connection_auth_desc}${row.certificate_name ? ` ${row.certificate_name}` : ''}, encryption ${row.encryption_algorithm_desc}`;
      const differences = endpointDifferences(row, role, ctx.config.endpoint, authOf(ctx, role));
      if (differences.length > 0) {
        const finding = realigns ? fail : warn;
        findings.push(finding(ID, instance, `${what}: ${differences.join('; ')}`, `an instance has one mirroring endpoint: ${endpointFix(row, role, ctx.config.endpoint)} (an ALTER restarts it)`));
        continue;
      }
      if (row.state_desc !== 'STARTED' && !realigns) {
        findings.push(fail(ID, instance, `${what}: not STARTED, so every partner is refused (1418)`, `ALTER ENDPOINT [${row.name}] STATE = STARTED`));
        continue;
      }
      if (String(row.encryption_algorithm_desc).toUpperCase() !== wanted) {
        findings.push(realigns
          ? warn(ID, instance, `${what}; the config says ${wanted}`, `${ctx.procedure} realigns it: ALTER ENDPOINT [${row.name}] FOR DATABASE_MIRRORING (…${wanted}), first accepting both while a session runs on it (asks before) — or keep it with endpoint.algorithm: ${String(row.encryption_algorithm_desc).replace(/, /g, ' ')} (RC4 needs allowRc4: true)`)
          : ok(ID, instance, `${what} (the config says ${wanted})`));
        continue;
      }
      findings.push(ok(ID, instance, what));
    }
    // Each pair that connects: the partners with each other, the witness with both partners.
    const links: [PartnerRole, PartnerRole][] = [['principal', 'mirror'], ['principal', 'witness'], ['mirror', 'witness']];
    for (const [a, b] of links) {
      const x = found.get(a);
      const y = found.get(b);
      if (!x || !y || encryptionAgrees(x.row.encryption_algorithm_desc, y.row.encryption_algorithm_desc)) continue;
      const what = `${x.instance} (${x.row.encryption_algorithm_desc}) and ${y.instance} (${y.row.encryption_algorithm_desc}) share no encryption algorithm: their handshake fails (28027) and SET PARTNER answers 1418`;
      const off = [x, y].filter((e) => String(e.row.encryption_algorithm_desc).toUpperCase() !== wanted);
      const fix = off.map((e) => `on ${e.instance}: ALTER ENDPOINT [${e.row.name}] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM ${ctx.config.endpoint.algorithm})`).join('; ');
      findings.push(realigns ? warn(ID, 'pair', what, `${ctx.procedure} realigns them to ${wanted} (asking first while a session runs)`) : fail(ID, 'pair', what, `${fix || 'give both endpoints the same ALGORITHM'} — or run setup, which realigns them in a safe order`));
    }
    return findings;
  },
};
