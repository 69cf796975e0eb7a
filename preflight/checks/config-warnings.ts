// What the config allows but a DBA should know (config/load.ts builds the list: SAFETY OFF,
// encryption DISABLED, RC4 …), and connections that do not verify the server they talk to.
import { partners } from '../../config/types.js';
import { warn, type Finding, type PreflightCheck } from '../check.js';

export const configWarningsCheck: PreflightCheck = {
  id: 'config',
  title: 'settings the config allows but a DBA should know about',
  offline: true,
  async run(ctx) {
    return ctx.config.warnings.map((text) => warn('config', 'config', text, `see ${ctx.config.path}`));
  },
};

/** A connection that does not verify its server sends the sysadmin password to whoever answers. */
export function tlsWarnings(server: { role: string; instance: string; encrypt: boolean | 'strict'; trustServerCertificate: boolean }): Finding[] {
  if (server.encrypt === false) {
    return [warn('tls', server.instance, `pair.${server.role}.encrypt: false — the login and every statement (passwords included) cross the network readable`, `set encrypt: true with caFile: (the CA that signed ${server.instance}'s certificate)`)];
  }
  if (server.trustServerCertificate) {
    return [warn('tls', server.instance, `pair.${server.role}.trustServerCertificate: true — any server (a man in the middle) is accepted`, `set caFile: to the CA that signed ${server.instance}'s certificate and remove trustServerCertificate`)];
  }
  return [];
}

export const tlsCheck: PreflightCheck = {
  id: 'tls',
  title: 'connections verify the server certificate',
  offline: true,
  async run(ctx) {
    return partners(ctx.config).flatMap(tlsWarnings);
  },
};
