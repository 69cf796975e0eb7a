// Instances are named by the role they have now, read from the servers; the configured role is
// added only where it differs ("SQLPRI01, configured principal, now mirror") — after a failover the
// config's names are the wrong way round and an alarm must not say otherwise.
import type { PairSample, ServerSample } from './sample.js';

export type CurrentRole = 'principal' | 'mirror' | 'witness' | 'principal and mirror' | 'not mirroring';

export function currentRoleOf(server: ServerSample): CurrentRole | null {
  if (!server.reachable) return null;
  if (server.configuredRole === 'witness') return 'witness';
  const roles = new Set(server.databases.map((d) => d.role).filter((r) => r !== null));
  if (roles.size === 0) return 'not mirroring';
  if (roles.size > 1) return 'principal and mirror';
  return roles.has('PRINCIPAL') ? 'principal' : 'mirror';
}

/** Roles last read from each instance, so an unreachable one can be named by what it last was. */
export type LastRoles = Record<string, CurrentRole>;

export function rememberRoles(sample: PairSample, last: LastRoles): void {
  for (const server of sample.servers) {
    const role = currentRoleOf(server);
    if (role) last[server.instance] = role;
  }
}

/** With the sample, an unreachable instance whose last role another now holds is the former one
 * ("SQLPRI01 (former principal)"): after a failover it must not be called the principal. */
export function nameOf(server: ServerSample, last: LastRoles = {}, sample?: PairSample): string {
  const now = currentRoleOf(server);
  const configured = server.configuredRole;
  if (now === null) {
    const seen = last[server.instance];
    const taken = seen && sample?.servers.some((s) => s !== server && currentRoleOf(s) === seen);
    if (seen && taken) return seen === configured ? `${server.instance} (former ${seen})` : `${server.instance} (configured ${configured}, former ${seen})`;
    return seen && seen !== configured ? `${server.instance} (configured ${configured}, last seen as ${seen})` : `${server.instance} (${configured})`;
  }
  return now === configured ? `${server.instance} (${now})` : `${server.instance}, configured ${configured}, now ${now}`;
}

export interface RoleLine {
  instance: string;
  configured: string;
  current: CurrentRole | null;
}

export function rolesOf(sample: PairSample): RoleLine[] {
  return sample.servers.map((s) => ({ instance: s.instance, configured: s.configuredRole, current: currentRoleOf(s) }));
}
