// The logins others log in as, enabled where they are needed. A disabled login is refused as if it
// were wrong (18456 state 7, "The account is disabled.", learn.microsoft.com: MSSQLSERVER_18456):
// - the login a peer's endpoint connects as (certificate auth: the login owning the peer's
//   certificate; domain auth: the service account) — disabled, the handshake fails and SET PARTNER
//   says only 1418. Setup enables it (steps/create-login.ts, audited): ⚠ before a setup, ✗ before
//   anything else, since the session cannot reconnect.
// - the application logins the mirrored databases' users map to (steps/sync-logins.ts), compared
//   with the partner that serves the databases: drift (missing, another SID, disabled …) is ⚠ — the
//   application fails only after a failover; sync-logins fixes it.
import { partners } from '../../config/types.js';
import { databaseStateQuery, type DatabaseStateRow } from '../../steps/database-state.js';
import { applicationLogins, loginDrift, serverLogins, type Query } from '../../steps/sync-logins.js';
import { isTrue } from '../../steps/step.js';
import { lit, tsql } from '../../steps/tsql.js';
import { fail, ok, partnersOf, reachable, SETUP_PROCEDURES, warn, type Finding, type PreflightCheck } from '../check.js';

const ID = 'peer-logins';

export const peerLoginsCheck: PreflightCheck = {
  id: ID,
  title: 'the logins peers and the application log in as exist and are enabled on every partner',
  procedures: [...SETUP_PROCEDURES, 'failover', 'failback', 'resume-session', 'sync-logins', 'add-witness', 'set-safety-full', 'set-safety-off'],
  async run(ctx) {
    const findings: Finding[] = [];
    // The procedures whose login steps enable it (steps/create-login.ts); enable and restore do not.
    const setup = ['setup', 'certificate-setup', 'domain-setup', 'add-witness'].includes(ctx.procedure);
    const { auth } = ctx.config;
    for (const server of reachable(ctx)) {
      const peerLogins = auth.mode === 'certificate'
        ? partners(ctx.config).filter((p) => p.role !== server.role).map((p) => auth.names[p.role].login)
        : [auth.serviceAccount];
      for (const login of peerLogins) {
        const [row] = await ctx.rows<{ is_disabled: unknown }>(server.role, tsql`SELECT is_disabled FROM sys.server_principals WHERE name = ${lit(login)}`);
        if (!row || !isTrue(row.is_disabled)) continue;
        const fix = auth.mode === 'certificate' ? 'certificate-setup' : 'domain-setup';
        // On the witness it costs automatic failover (no quorum from it), not the session: ⚠.
        if (!setup && server.role === 'witness') {
          findings.push(warn(ID, server.config.instance, `login ${login}, which a partner connects to the witness as, is disabled: the witness cannot see that partner, and automatic failover needs it`, `ALTER LOGIN [${login}] ENABLE on ${server.config.instance}, or run add-witness (it enables it, audited)`));
          continue;
        }
        findings.push(setup
          ? warn(ID, server.config.instance, `login ${login}, which a peer's endpoint connects as, is disabled`, `the setup enables it (ALTER LOGIN [${login}] ENABLE, audited): a peer connecting as a disabled login is refused (18456 state 7)`)
          : fail(ID, server.config.instance, `login ${login}, which a peer's endpoint connects as, is disabled: the peer's handshake is refused (18456 state 7) and the session cannot reconnect`, `ALTER LOGIN [${login}] ENABLE on ${server.config.instance}, or run ${fix} (it enables it, audited)`));
      }
    }
    try {
      findings.push(...(await applicationLoginFindings(ctx)));
    } catch (error) {
      // Reading other logins needs VIEW ANY DEFINITION: a login without it is told, not blocked.
      findings.push(warn(ID, 'pair', `the application logins could not be compared: ${(error as Error).message}`, `grant the mirrorbook login VIEW ANY DEFINITION (mirrorbook init --grants), or compare the logins by hand before a failover`));
    }
    return findings;
  },
};

/** Application-login drift between the partner that serves the databases and the other one. */
async function applicationLoginFindings(ctx: Parameters<PreflightCheck['run']>[0]): Promise<Finding[]> {
  const servers = partnersOf(ctx);
  const query: Query = (target, statement) => ctx.rows(target, statement);
  let source: (typeof servers)[number] | undefined;
  for (const server of servers) {
    const rows = await ctx.rows<DatabaseStateRow>(server.role, databaseStateQuery(ctx.config.databases));
    // Every configured database here (a missing one is the databases check's ✗, not a read error here).
    const serves = rows.length === ctx.config.databases.length && rows.every((r) => r.state_desc === 'ONLINE' && r.mirroring_role_desc !== 'MIRROR');
    if (serves) source = server;
    if (source) break;
  }
  if (!source) return [];
  const wanted = await applicationLogins(query, source.role as 'principal' | 'mirror', ctx.config.databases);
  const findings: Finding[] = [];
  for (const other of servers.filter((s) => s !== source)) {
    const drift = loginDrift(wanted, await serverLogins(query, other.role as 'principal' | 'mirror'));
    findings.push(drift.length === 0
      ? ok(ID, other.config.instance, `the ${wanted.length} application login(s) of ${ctx.config.databases.join(', ')} are as on ${source.config.instance}`)
      : warn(ID, other.config.instance, drift.map((d) => d.detail).join('; '), `after a failover the application cannot log in here: run 'mirrorbook run sync-logins' (setup and failover run it too)`));
  }
  return findings;
}
