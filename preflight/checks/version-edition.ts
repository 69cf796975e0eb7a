// Version and edition of every partner and the witness, against what database mirroring allows:
// Express only as a witness, asynchronous (SAFETY OFF) only on Enterprise, partners on the same
// edition, a new session on the same version everywhere (a rolling upgrade only ever moves to the
// newer partner), CERTENCODED (the binary certificate exchange) from 2012 on.
// https://learn.microsoft.com/previous-versions/sql/sql-server-2012/ms366349(v=sql.110)
// ("Prerequisites, Restrictions, and Recommendations for Database Mirroring"); its 2012 page notes
// the deprecation.
import { fail, ok, partnersOf, reachable, SETUP_PROCEDURES, warn, type Finding, type PreflightCheck } from '../check.js';

const ID = 'version-edition';
const VERSION_NAMES: Record<string, string> = { '10.0': '2008', '10.50': '2008 R2', '11.0': '2012', '12.0': '2014', '13.0': '2016', '14.0': '2017', '15.0': '2019', '16.0': '2022' };
const name = (major: number, minor: number): string => VERSION_NAMES[`${major}.${minor}`] ?? `${major}.${minor}`;
const EXPRESS = 4;
const STANDARD = 2;

export const versionEditionCheck: PreflightCheck = {
  id: ID,
  title: 'version and edition of the partners and the witness allow the configured mirroring',
  async run(ctx) {
    const findings: Finding[] = [];
    for (const s of reachable(ctx)) {
      const { facts } = s;
      const what = `SQL Server ${name(facts.major, facts.minor)} (${facts.productVersion}) ${facts.edition}`;
      const partner = s.role !== 'witness';
      if (partner && facts.engineEdition === EXPRESS) {
        findings.push(fail(ID, s.config.instance, `${what}: Express cannot be a mirroring partner`, 'use Standard or Enterprise for the principal and the mirror; Express can only be the witness'));
      } else if (partner && facts.engineEdition === STANDARD && (ctx.config.safety === 'OFF' || ctx.procedure === 'set-safety-off')) {
        findings.push(fail(ID, s.config.instance, `${what}: Standard Edition mirrors with SAFETY FULL only`, ctx.procedure === 'set-safety-off' ? 'keep the session in SAFETY FULL (high-safety mode): asynchronous mirroring needs Enterprise Edition on both partners' : 'set safety: FULL in the config (high-safety mode), or use Enterprise Edition for asynchronous mirroring'));
      } else if (partner && ctx.config.auth.mode === 'certificate' && ctx.config.auth.exchange === 'binary' && facts.major < 11) {
        findings.push(fail(ID, s.config.instance, `${what}: CERTENCODED (auth.exchange: binary) needs SQL Server 2012 or later`, 'set auth.exchange: file (BACKUP CERTIFICATE to a share, CREATE CERTIFICATE FROM FILE), or upgrade this instance'));
      } else {
        findings.push(ok(ID, s.config.instance, `${what}${facts.major >= 11 ? '; database mirroring is deprecated from 2012 on (still supported; Always On is its successor)' : ''}`));
      }
    }
    const [principal, mirror] = [partnersOf(ctx).find((s) => s.role === 'principal'), partnersOf(ctx).find((s) => s.role === 'mirror')];
    if (principal && mirror) {
      const p = principal.facts;
      const m = mirror.facts;
      if (m.major * 100 + m.minor < p.major * 100 + p.minor) {
        findings.push(fail(ID, 'pair', `the mirror ${mirror.config.instance} (${name(m.major, m.minor)}) is older than the principal ${principal.config.instance} (${name(p.major, p.minor)})`, 'a backup cannot be restored on an older version: upgrade the mirror first'));
      } else if ((m.major !== p.major || m.minor !== p.minor) && (SETUP_PROCEDURES as readonly string[]).includes(ctx.procedure)) {
        findings.push(fail(ID, 'pair', `the partners run different versions (${name(p.major, p.minor)} and ${name(m.major, m.minor)})`, 'a new mirroring session needs the same SQL Server version on the partners and the witness'));
      } else if (m.major !== p.major || m.minor !== p.minor) {
        findings.push(warn(ID, 'pair', `the partners run different versions (${name(p.major, p.minor)} and ${name(m.major, m.minor)})`, 'only for a rolling upgrade: after a failover to the newer one there is no way back'));
      }
      if ((p.engineEdition === STANDARD) !== (m.engineEdition === STANDARD)) {
        findings.push(fail(ID, 'pair', `the partners run different editions (${p.edition} and ${m.edition})`, 'the principal and the mirror must run the same edition'));
      }
    }
    return findings;
  },
};
