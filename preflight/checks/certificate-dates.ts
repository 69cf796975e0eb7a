// Certificates are checked against each server's own clock, not this workstation's: an endpoint
// refuses a certificate that has expired or is not yet valid where it runs. The ones setup creates
// start `backdateDays` before now (this machine's clock): a server whose clock is further behind
// would hold a certificate not valid yet.
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { fail, ok, reachable, SETUP_PROCEDURES, warn, type Finding, type PreflightCheck } from '../check.js';

const ID = 'certificate-dates';
const DAY_MS = 86_400_000;
const SOON_DAYS = 30;
/** A server clock further than this from this machine's is named next to it. */
const DRIFT_MS = 5 * 60_000;

const day = (d: Date): string => d.toISOString().slice(0, 10);
const at = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')}Z`;

/** "" when the server's clock agrees with this machine's; else this machine's time, for comparison. */
function driftOf(serverNow: Date): string {
  const local = new Date();
  return Math.abs(local.getTime() - serverNow.getTime()) > DRIFT_MS ? ` (this machine: ${at(local)})` : '';
}

export const certificateDatesCheck: PreflightCheck = {
  id: ID,
  title: "mirroring certificates are valid on each server's clock",
  async run(ctx) {
    const auth = ctx.config.auth;
    if (auth.mode !== 'certificate') return [];
    const findings: Finding[] = [];
    const names = Object.values(auth.names).map((n) => n.certificate);
    const list = joinTsql(names.map((n) => tsql`${lit(n)}`), ', ');
    // The witness too: its endpoint authenticates with a certificate of its own in certificate mode.
    for (const server of reachable(ctx)) {
      const now = server.facts.utcNow;
      const instance = server.config.instance;
      const rows = await ctx.rows<{ name: string; start_date: Date; expiry_date: Date }>(server.role, tsql`SELECT name, start_date, expiry_date FROM master.sys.certificates WHERE name IN (${list})`);
      const clock = `${instance}'s clock ${at(now)}${driftOf(now)}`;
      for (const cert of rows) {
        const own = cert.name.toLowerCase() === auth.names[server.role].certificate.toLowerCase();
        const replace = own
          ? `${instance}'s endpoint uses it: run disable and cleanup, then certificate-setup again`
          : `it is a peer's certificate: USE master; DROP CERTIFICATE [${cert.name}] on ${instance}, then run again (the setup imports the peer's current one)`;
        const clockOff = Math.abs(Date.now() - now.getTime()) > DRIFT_MS;
        const orFixClock = clockOff ? `correct ${instance}'s clock, or ` : '';
        if (cert.expiry_date.getTime() <= now.getTime()) findings.push(fail(ID, instance, `${cert.name} expired ${at(cert.expiry_date)} by ${clock}`, `the endpoint handshake refuses it; ${orFixClock}${replace}`));
        else if (cert.start_date.getTime() > now.getTime()) findings.push(fail(ID, instance, `${cert.name} is not valid until ${at(cert.start_date)} by ${clock}`, `the endpoint handshake refuses it; ${orFixClock}recreate ${cert.name} with an earlier START_DATE`));
        else if (cert.expiry_date.getTime() - now.getTime() < SOON_DAYS * DAY_MS) findings.push(warn(ID, instance, `${cert.name} expires ${at(cert.expiry_date)}, within ${SOON_DAYS} days by ${clock}`, `plan its replacement before ${day(cert.expiry_date)}: the session stops connecting then${clockOff ? `; or correct ${instance}'s clock if it is wrong` : ''}`));
        else findings.push(ok(ID, instance, `${cert.name}: valid ${day(cert.start_date)} to ${day(cert.expiry_date)} by ${clock}`));
      }
      if ((SETUP_PROCEDURES as readonly string[]).includes(ctx.procedure)) {
        const behindMs = Date.now() - now.getTime();
        if (behindMs > auth.backdateDays * DAY_MS) {
          findings.push(fail(ID, instance, `the server clock is ${Math.round(behindMs / DAY_MS)} days behind this machine's; certificates created now start ${auth.backdateDays} days back`, `correct the clock of ${server.config.instance}, or raise auth.backdateDays`));
        } else if (rows.length === 0) {
          findings.push(ok(ID, instance, `no mirroring certificate yet; ${clock}`));
        }
      }
    }
    return findings;
  },
};
