// The mirroring transport's connection handshake between two endpoints, as SQL Server performs it:
// something must listen (instance up, not cut off, endpoint STARTED with a fitting role), the two
// sides must agree on an authentication method and on encryption, and the accepting side must
// authenticate the initiator and find CONNECT on its endpoint. A refusal is logged in the ERRORLOG
// of the instance that refused; the statement that needed the connection only sees 1418.

import type { Certificate, InstanceState, LabState, Login, MirroringEndpoint } from '../model.js';
import { serverClock } from '../instance/clock.js';

export type EndpointRole = 'PARTNER' | 'WITNESS';

export interface HandshakeRefusal {
  /** The instance whose ERRORLOG tells why; null when nothing answered at all. */
  loggedBy: InstanceState | null;
  number: number;
  text: string;
}

export function instanceUp(lab: LabState, instance: InstanceState): boolean {
  return instance.service.status === 'Running' && !lab.faults[instance.name]?.down;
}

/** Mirroring traffic can flow between the two instances (both up, neither isolated). */
export function reachable(lab: LabState, a: InstanceState, b: InstanceState): boolean {
  return instanceUp(lab, a) && instanceUp(lab, b) && !lab.faults[a.name]?.isolated && !lab.faults[b.name]?.isolated;
}

function servesRole(endpoint: MirroringEndpoint, role: EndpointRole): boolean {
  return endpoint.role === 'ALL' || endpoint.role === role;
}

const DOMAIN_ACCOUNT = /^(?!NT AUTHORITY\\|NT SERVICE\\|\.\\)[^\\]+\\[^\\]+$/i;

export function isDomainAccount(account: string): boolean {
  return DOMAIN_ACCOUNT.test(account) && !/^(LocalSystem|LocalService|NetworkService)$/i.test(account);
}

// The ERRORLOG line is message 28048 "Database Mirroring login attempt by user '%.*ls.' failed with
// error: '%.*ls'.  %.*ls" (or 28047 without a user) around the reason's own text; the user name is
// followed by a period and the peer's address closes the line, as SQL Server writes it
// (learn.microsoft.com "Errors 28000 - 29999"; the troubleshooting article on 1418 quotes it).
function clientOf(instance: InstanceState): string {
  return `[CLIENT: ${instance.host}]`;
}

function loginFailed(acceptor: InstanceState, initiator: InstanceState, user: string, inner: string, number: number): HandshakeRefusal {
  return {
    loggedBy: acceptor,
    number,
    text: `Database Mirroring login attempt by user '${user}.' failed with error: 'Connection handshake failed. ${inner}'.  ${clientOf(initiator)}`,
  };
}

function localFailure(instance: InstanceState, peer: InstanceState, inner: string, number: number): HandshakeRefusal {
  return {
    loggedBy: instance,
    number,
    text: `Database Mirroring login attempt failed with error: 'Connection handshake failed. ${inner}'.  ${clientOf(peer)}`,
  };
}

function hasConnect(instance: InstanceState, login: Login): boolean {
  const endpoint = instance.endpoint;
  if (!endpoint) return false;
  if ((instance.serverRoleMembers.sysadmin ?? []).some((m) => m.toUpperCase() === login.name.toUpperCase())) return true;
  const grants = instance.serverPermissions.filter(
    (p) =>
      p.class === 105 &&
      p.majorId === endpoint.endpointId &&
      p.type.trim() === 'CO' &&
      (p.granteePrincipalId === login.principalId || p.granteePrincipalId === 2),
  );
  return grants.some((p) => p.state !== 'D') && !grants.some((p) => p.state === 'D');
}

function endpointCertificate(instance: InstanceState): Certificate | undefined {
  const method = instance.endpoint?.auth.find((a) => a.kind === 'CERTIFICATE');
  if (!method || method.kind !== 'CERTIFICATE') return undefined;
  const master = instance.databases.master;
  return master && Object.values(master.certificates).find((c) => c.name.toUpperCase() === method.certificate.toUpperCase());
}

function effectiveAlgorithms(instance: InstanceState): ('AES' | 'RC4')[] {
  const endpoint = instance.endpoint!;
  if (endpoint.encryption === 'DISABLED') return [];
  if (endpoint.algorithms.length > 0) return endpoint.algorithms;
  return ['2008R2', '2012', '2014'].includes(instance.version) ? ['RC4'] : ['AES'];
}

function encryptionRefusal(initiator: InstanceState, acceptor: InstanceState): HandshakeRefusal | null {
  const a = initiator.endpoint!;
  const b = acceptor.endpoint!;
  const mismatch = (a.encryption === 'DISABLED' && b.encryption === 'REQUIRED') || (a.encryption === 'REQUIRED' && b.encryption === 'DISABLED');
  const bothEncrypt = a.encryption !== 'DISABLED' && b.encryption !== 'DISABLED';
  const common = effectiveAlgorithms(acceptor).some((alg) => effectiveAlgorithms(initiator).includes(alg));
  if (mismatch || (bothEncrypt && !common)) {
    return loginFailed(acceptor, initiator, initiator.service.account, 'There is no compatible encryption algorithm. State 22.', 28027);
  }
  return null;
}

function certificateWindow(cert: Certificate, now: Date): 'valid' | 'not-yet' | 'expired' {
  if (now.getTime() < Date.parse(cert.startDate)) return 'not-yet';
  if (now.getTime() > Date.parse(cert.expiryDate)) return 'expired';
  return 'valid';
}

/** Each server judges a certificate's dates by its own clock: the initiator its own certificate,
 * the acceptor its copy of the peer's. */
function authenticateWithCertificate(lab: LabState, initiator: InstanceState, acceptor: InstanceState, now: Date): HandshakeRefusal | null {
  const own = endpointCertificate(initiator);
  if (!own)
    return localFailure(
      initiator,
      acceptor,
      'The certificate used by this endpoint was not found: Certificate expired. Use DBCC CHECKDB in master database to verify the metadata integrity of the endpoints. State 85.',
      28036,
    );
  if (own.privateKeyPem === null || own.privateKeyEncryption !== 'MK') {
    return localFailure(
      initiator,
      acceptor,
      `The certificate '${own.name}' is not valid for endpoint authentication. The certificate must have a private key encrypted with the database master key and current UTC date has to be between the certificate start date and the certificate expiration date. State 102.`,
      28055,
    );
  }
  const window = certificateWindow(own, serverClock(lab, initiator.name, now));
  if (window !== 'valid') {
    return localFailure(
      initiator,
      acceptor,
      window === 'expired'
        ? 'The certificate used by this endpoint has expired. State 96.'
        : 'The certificate used by this endpoint is not yet valid. State 95.',
      window === 'expired' ? 28023 : 28022,
    );
  }
  const master = acceptor.databases.master;
  const imported = master && Object.values(master.certificates).find((c) => c.thumbprintHex === own.thumbprintHex);
  if (!master || !imported) {
    return loginFailed(
      acceptor,
      initiator,
      initiator.service.account,
      'The certificate used by the peer is invalid due to the following reason: Certificate not found. State 89.',
      28035,
    );
  }
  const importedWindow = certificateWindow(imported, serverClock(lab, acceptor.name, now));
  if (importedWindow !== 'valid') {
    return loginFailed(
      acceptor,
      initiator,
      imported.name,
      importedWindow === 'expired' ? 'The certificate used by the peer has expired. State 98.' : 'The certificate used by the peer is not yet valid. State 97.',
      importedWindow === 'expired' ? 28025 : 28024,
    );
  }
  const owner = Object.values(master.users).find((u) => u.principalId === imported.principalId);
  const login = owner?.loginSidHex ? Object.values(acceptor.logins).find((l) => l.sidHex === owner.loginSidHex) : undefined;
  if (!login || login.isDisabled || !hasConnect(acceptor, login)) {
    const name = login?.name ?? owner?.name ?? imported.name;
    return loginFailed(acceptor, initiator, name, `The login '${name}' does not have CONNECT permission on the endpoint. State 84.`, 28034);
  }
  return null;
}

function authenticateWithWindows(initiator: InstanceState, acceptor: InstanceState): HandshakeRefusal | null {
  const account = initiator.service.account;
  if (!isDomainAccount(account) || !isDomainAccount(acceptor.service.account)) {
    return loginFailed(acceptor, initiator, account, 'An OS call failed: (8009030c) 0x8009030c(The logon attempt failed). State 67.', 28048);
  }
  const login = Object.values(acceptor.logins).find((l) => l.name.toUpperCase() === account.toUpperCase() && l.type === 'U');
  if (!login || login.isDisabled || !hasConnect(acceptor, login)) {
    return loginFailed(acceptor, initiator, account, `The login '${account}' does not have CONNECT permission on the endpoint. State 84.`, 28034);
  }
  return null;
}

/** One direction of the transport: `initiator` connects to `acceptor`. Null when it succeeds. */
export function connect(lab: LabState, initiator: InstanceState, acceptor: InstanceState, acceptorRole: EndpointRole, now: Date): HandshakeRefusal | null {
  const silent: HandshakeRefusal = { loggedBy: null, number: 1418, text: '' };
  if (!reachable(lab, initiator, acceptor)) return silent;
  const out = initiator.endpoint;
  const into = acceptor.endpoint;
  if (!out || out.state !== 'STARTED' || !into || into.state !== 'STARTED') return silent;
  if (!servesRole(into, acceptorRole)) {
    return loginFailed(
      acceptor,
      initiator,
      initiator.service.account,
      `The endpoint is not configured for the ${acceptorRole === 'WITNESS' ? 'witness' : 'partner'} role. State 80.`,
      28080,
    );
  }
  const encryption = encryptionRefusal(initiator, acceptor);
  if (encryption) return encryption;
  // The initiator offers its methods in order; the first one the acceptor also accepts is used.
  const method = out.auth.find((m) => into.auth.some((n) => n.kind === m.kind));
  if (!method) return loginFailed(acceptor, initiator, initiator.service.account, 'There is no compatible authentication protocol. State 21.', 28048);
  return method.kind === 'CERTIFICATE' ? authenticateWithCertificate(lab, initiator, acceptor, now) : authenticateWithWindows(initiator, acceptor);
}

/** Both directions, as a mirroring session needs (each side opens its own outbound connection). */
export function link(lab: LabState, a: InstanceState, b: InstanceState, roles: { a: EndpointRole; b: EndpointRole }, now: Date): HandshakeRefusal | null {
  return connect(lab, a, b, roles.b, now) ?? connect(lab, b, a, roles.a, now);
}
