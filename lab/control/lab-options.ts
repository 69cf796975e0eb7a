// The start options an operator may give, checked once for the CLI and the process.

import type { Edition, SqlVersionName } from '../model.js';

export const VERSIONS: readonly SqlVersionName[] = ['2008R2', '2012', '2014', '2016', '2017', '2019', '2022'];
export const EDITIONS: readonly Edition[] = ['Enterprise', 'Standard', 'Developer', 'Express'];

/** `lab start --site`: a fresh lab (default), or one built by hand from the vendor guide (lab/guide-site.ts). */
export const SITES = ['fresh', 'guide'] as const;
export type SiteKind = (typeof SITES)[number];

export function parseSite(value: string): SiteKind {
  const found = SITES.find((s) => s === value.toLowerCase());
  if (!found) throw new Error(`--site ${value} is not a site the lab builds; expected one of ${SITES.join(', ')}`);
  return found;
}

export function parseVersion(value: string): SqlVersionName {
  const found = VERSIONS.find((v) => v.toLowerCase() === value.toLowerCase().replace(/\s+/g, ''));
  if (!found) throw new Error(`--version ${value} is not a version the lab simulates; expected one of ${VERSIONS.join(', ')}`);
  return found;
}

export function parseEdition(value: string): Edition {
  const found = EDITIONS.find((e) => e.toLowerCase() === value.toLowerCase());
  if (!found) throw new Error(`--edition ${value} is not an edition the lab simulates; expected one of ${EDITIONS.join(', ')}`);
  return found;
}
