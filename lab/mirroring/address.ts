// Server network addresses ('TCP://host[.domain]:port') → the lab instance listening there. The
// host name is matched case-insensitively (an FQDN by its first label); the port picks the instance
// whose mirroring endpoint listens on it — the instance name is never part of the address.

import type { InstanceState, LabState } from '../model.js';

export interface NetworkAddress {
  host: string;
  port: number;
}

export function parseAddress(address: string): NetworkAddress | null {
  const match = /^TCP:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/i.exec(address.trim());
  if (!match) return null;
  return { host: match[1]!, port: Number(match[2]) };
}

export function instanceAtAddress(lab: LabState, address: string): InstanceState | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return undefined;
  const host = parsed.host.split('.')[0]!.toUpperCase();
  return Object.values(lab.instances).find((i) => i.host.toUpperCase() === host && i.endpoint?.port === parsed.port);
}

/** The address a partner would use for `instance` (for messages and defaults). */
export function addressOf(instance: InstanceState): string | null {
  return instance.endpoint ? `TCP://${instance.host.toLowerCase()}:${instance.endpoint.port}` : null;
}
