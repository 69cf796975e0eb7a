// `preset: patriot` fills in the names the Patriot mirroring guide uses, so a Patriot site needs
// only its servers, secrets and backup paths. Anything set explicitly in the file wins.
import type { PartnerRole, PeerNames } from './types.js';

export const PATRIOT = {
  databases: ['Patriot', 'PatriotArchive'],
  endpoint: { name: 'Endpoint_Mirroring', port: 1430 },
  authMode: 'certificate' as const,
  applicationPrograms: ['Patriot%'],
};

/** PRINCIPAL_cert / PRINCIPAL_login / PRINCIPAL_user and so on: the seed's pattern, per role. */
export function defaultPeerNames(role: PartnerRole): PeerNames {
  const prefix = role.toUpperCase();
  return { certificate: `${prefix}_cert`, login: `${prefix}_login`, user: `${prefix}_user` };
}
