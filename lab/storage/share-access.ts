// Who may open a share, decided as Windows decides it for a SQL Server service account:
// - A domain account (LAB\sqlsvc) is itself on every host of its domain.
// - A virtual account (NT Service\MSSQLSERVER), NETWORK SERVICE and LocalSystem reach the network as
//   the computer account, DOMAIN\HOST$ ("Configure Windows Service Accounts and Permissions": virtual
//   accounts access network resources with the computer account's credentials; "NetworkService
//   Account": it presents the computer's credentials, with Everyone and Authenticated Users). In a
//   workgroup there is no computer account: the connection is anonymous, which Everyone does not
//   include, so it is denied.
// - A local account (.\sqlsvc, HOST\sqlsvc) reaches another host only where that host has a local
//   account of the same name and password (workgroup pass-through authentication).
// - Administrative shares (C$, D$ …) open only for the host's Administrators.
// Refusals are OS error 5, as SQL Server quotes it ("Operating system error 5(Access is denied.)").

import type { HostState, HostWindows, InstanceState, LabState } from '../model.js';
import { createHash } from 'node:crypto';
import { findHost, FileSystemError } from './files.js';

export const DEFAULT_DOMAIN = 'LAB';

export function accessDenied(): FileSystemError {
  return new FileSystemError(5, 'Access is denied.');
}

/** The host's Windows facts, the defaults filled in for a lab made before they were modelled. */
export function hostWindows(host: HostState): HostWindows {
  host.windows ??= defaultWindows();
  return host.windows;
}

export function defaultWindows(domain: string | null = DEFAULT_DOMAIN): HostWindows {
  return {
    domain,
    localAccounts: {},
    sharePermissions: { BACKUP: ['Everyone'] },
    administrators: domain ? [`${domain}\\Domain Admins`] : [],
    volumes: {
      'C:': { totalMB: 120 * 1024, otherUsedMB: 48 * 1024 },
      'D:': { totalMB: 200 * 1024, otherUsedMB: 4 * 1024 },
      'E:': { totalMB: 500 * 1024, otherUsedMB: 60 * 1024 },
    },
  };
}

/** A password kept only as a digest: the lab compares the two hosts' digests, as NTLM compares hashes. */
export function passwordDigest(password: string): string {
  return createHash('sha256').update(`lab-local-account:${password}`).digest('hex');
}

interface NetworkIdentity {
  /** The account the target host sees; null for an anonymous connection. */
  account: string | null;
  /** Domain accounts count in every host of the domain; a local one only where it was matched. */
  authenticated: boolean;
}

const MACHINE_ACCOUNTS = /^(NT SERVICE\\.+|NT AUTHORITY\\NETWORK ?SERVICE|NETWORK ?SERVICE|NT AUTHORITY\\SYSTEM|LOCALSYSTEM|\.\\LOCALSYSTEM)$/i;
const ANONYMOUS_ACCOUNTS = /^(NT AUTHORITY\\LOCAL ?SERVICE|LOCAL ?SERVICE)$/i;

function identityOn(lab: LabState, instance: InstanceState, target: HostState): NetworkIdentity {
  const source = findHost(lab, instance.host);
  const sourceWindows = source ? hostWindows(source) : defaultWindows();
  const targetWindows = hostWindows(target);
  const account = instance.service.account.trim();
  if (ANONYMOUS_ACCOUNTS.test(account)) return { account: null, authenticated: false };
  if (MACHINE_ACCOUNTS.test(account)) {
    const domain = sourceWindows.domain;
    if (!domain || targetWindows.domain?.toUpperCase() !== domain.toUpperCase()) return { account: null, authenticated: false };
    return { account: `${domain}\\${instance.host}$`, authenticated: true };
  }
  const [prefix, name] = account.includes('\\') ? (account.split('\\', 2) as [string, string]) : ['.', account];
  const local = prefix === '.' || prefix.toUpperCase() === instance.host.toUpperCase();
  if (!local) {
    const sameDomain = targetWindows.domain !== null && targetWindows.domain.toUpperCase() === prefix.toUpperCase();
    return sameDomain ? { account: `${prefix}\\${name}`, authenticated: true } : { account: null, authenticated: false };
  }
  const mine = sourceWindows.localAccounts[name.toUpperCase()];
  const theirs = targetWindows.localAccounts[name.toUpperCase()];
  if (mine && theirs && mine.passwordDigest === theirs.passwordDigest) return { account: `${target.name}\\${theirs.name}`, authenticated: true };
  return { account: null, authenticated: false };
}

function granted(identity: NetworkIdentity, principals: string[], domain: string | null): boolean {
  if (!identity.authenticated || identity.account === null) return false;
  const account = identity.account.toUpperCase();
  return principals.some((p) => {
    const principal = p.toUpperCase();
    if (principal === 'EVERYONE' || principal === 'AUTHENTICATED USERS' || principal === 'NT AUTHORITY\\AUTHENTICATED USERS') return true;
    if (domain && principal === `${domain.toUpperCase()}\\DOMAIN COMPUTERS`) return account.endsWith('$');
    return principal === account;
  });
}

/** Throws OS error 5 unless the instance's service account may open `share` on `target`. */
export function assertShareAccess(lab: LabState, instance: InstanceState, target: HostState, share: string): void {
  const windows = hostWindows(target);
  const identity = identityOn(lab, instance, target);
  if (/^[A-Z]\$$/i.test(share)) {
    if (!granted(identity, windows.administrators, windows.domain)) throw accessDenied();
    return;
  }
  if (!granted(identity, windows.sharePermissions[share.toUpperCase()] ?? [], windows.domain)) throw accessDenied();
}
