// Certificates are checked against each server's own clock, not this workstation's: an endpoint
// refuses a certificate that has expired or is not yet valid where it runs. The ones setup creates
// start `backdateDays` before now (this machine's clock): a server whose clock is further behind
// would hold a certificate not valid yet.
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { fail, ok, partnersOf, SETUP_PROCEDURES, warn, type Finding, type PreflightCheck } from '../check.js';

const ID = 'certificate-dates';
const DAY_MS = 86_400_000;
const SOON_DAYS = 30;

export const certificateDatesCheck: PreflightCheck = {
  id: ID,
  title: "mirroring certificates are valid on each server's clock",
  async run(ctx) {
    const auth = ctx.config.auth;
    if (auth.mode !== 'certificate') return [];
    const findings: Finding[] = [];
    const names = Object.values(auth.names).map((n) => n.certificate);
    const list = joinTsql(names.map((n) => tsql`${lit(n)}`), ', ');
    for (const server of partnersOf(ctx)) {
      const now = server.facts.utcNow;
      const day = (d: Date) => d.toISOString().slice(0, 10);
      const rows = await ctx.rows<{ name: string; start_date: Date; expiry_date: Date }>(server.role, tsql`SELECT name, start_date, expiry_date FROM master.sys.certificates WHERE name IN (${list})`);
      for (const cert of rows) {
        const span = `${cert.name}: valid ${day(cert.start_date)} to ${day(cert.expiry_date)}, server clock ${now.toISOString().slice(0, 16)}Z`;
        const own = cert.name.toLowerCase() === auth.names[server.role].certificate.toLowerCase();
        const replace = own
          ? `${server.config.instance}'s endpoint uses it: run disable and cleanup, then certificate-setup again`
          : `it is a peer's certificate: USE master; DROP CERTIFICATE [${cert.name}] on ${server.config.instance}, then run again (the setup imports the peer's current one)`;
        if (cert.expiry_date.getTime() <= now.getTime()) findings.push(fail(ID, server.config.instance, `${span} — expired`, `the endpoint handshake refuses it; ${replace}`));
        else if (cert.start_date.getTime() > now.getTime()) findings.push(fail(ID, server.config.instance, `${span} — not valid yet`, `correct ${server.config.instance}'s clock, or recreate ${cert.name} with an earlier START_DATE`));
        else if (cert.expiry_date.getTime() - now.getTime() < SOON_DAYS * DAY_MS) findings.push(warn(ID, server.config.instance, `${span} — expires within ${SOON_DAYS} days`, `plan its replacement before ${day(cert.expiry_date)}: the session stops connecting then`));
        else findings.push(ok(ID, server.config.instance, span));
      }
      if ((SETUP_PROCEDURES as readonly string[]).includes(ctx.procedure)) {
        const behindMs = Date.now() - now.getTime();
        if (behindMs > auth.backdateDays * DAY_MS) {
          findings.push(fail(ID, server.config.instance, `the server clock is ${Math.round(behindMs / DAY_MS)} days behind this machine's; certificates created now start ${auth.backdateDays} days back`, `correct the clock of ${server.config.instance}, or raise auth.backdateDays`));
        } else if (rows.length === 0) {
          findings.push(ok(ID, server.config.instance, `no mirroring certificate yet; clock ${now.toISOString().slice(0, 16)}Z`));
        }
      }
    }
    return findings;
  },
};
