// Every server answers, as the instance the config names (@@SERVERNAME; PairConnections refuses
// another one before anything is read). A lost principal is what promote is for; disable is what
// ends mirroring with a partner gone (SET PARTNER OFF on the one that answers).
import { fail, ok, SETUP_PROCEDURES, warn, type PreflightCheck } from '../check.js';

const ID = 'reachable';

export const reachableCheck: PreflightCheck = {
  id: ID,
  title: 'every server answers and is the configured instance (@@SERVERNAME)',
  async run(ctx) {
    return ctx.servers.map((s) => {
      const where = `${s.config.server}:${s.config.port}`;
      if (s.facts) return ok(ID, s.config.instance, `${where} answers as ${s.facts.serverName}`);
      const message = s.error?.message ?? 'no answer';
      if (ctx.procedure === 'promote' && s.role === 'principal' && s.error?.unreachable) {
        return warn(ID, s.config.instance, `${message} — expected: promote is for a lost principal`, `fence ${s.config.instance} (stop its SQL Server service) so it cannot come back as a second principal`);
      }
      if (ctx.procedure === 'disable' && s.role !== 'witness' && s.error?.unreachable) {
        return warn(ID, s.config.instance, `${message} — disable removes mirroring on the partner that answers`, `bring ${s.config.instance} back to recover its copy, or skip that step if the server is gone for good`);
      }
      if (s.role === 'witness' && !(SETUP_PROCEDURES as readonly string[]).includes(ctx.procedure)) {
        return warn(ID, s.config.instance, message, 'the partners keep serving without the witness, but automatic failover needs it back');
      }
      return fail(ID, s.config.instance, message, s.error?.hint ?? `check that ${s.config.instance} runs and listens on ${where}`);
    });
  },
};
