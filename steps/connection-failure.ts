// Why a connection to a partner failed, in the operator's terms: the login refused (18456), the
// port refused, the host unknown, TLS refused, or no answer — each with what to check. The driver
// (tedious) wraps the socket's error: its code is found on the error or somewhere in its causes.

import type { ServerConfig } from '../config/types.js';
import type { PartnerRole } from '../config/types.js';

export type ConnectionFailureKind = 'login' | 'refused' | 'unknown-host' | 'tls' | 'no-answer' | 'other';

export interface ConnectionFailure {
  kind: ConnectionFailureKind;
  /** What happened, e.g. "the login was refused (error 18456)". */
  what: string;
  hint: string;
  /** Nothing answered: the server may be down or cut off (a login refusal means it is up). */
  unreachable: boolean;
}

const TLS_CODE = /CERT|TLS|SSL|SELF_SIGNED|HOSTNAME|ALTNAME/;

/** Every error code and message on the error and its causes (AggregateError included). */
function trail(error: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const x = e as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (typeof x.code === 'string') codes.push(x.code);
    if (typeof x.message === 'string') messages.push(x.message);
    walk(x.originalError);
    walk(x.cause);
    if (Array.isArray(x.errors)) x.errors.forEach(walk);
  };
  walk(error);
  return { codes, messages };
}

export function classifyConnectionFailure(error: unknown, role: PartnerRole, server: ServerConfig): ConnectionFailure {
  const { codes, messages } = trail(error);
  const text = messages.join(' ');
  const at = `${server.server}:${server.port}`;
  if (codes.includes('ELOGIN') || /Login failed/i.test(text)) {
    return {
      kind: 'login',
      unreachable: false,
      what: `${server.instance} refused the login ${server.login} (error 18456)`,
      hint: `check pair.${role}.login and its password source in the config; the server's ERRORLOG says which (wrong password, disabled login, SQL authentication off)`,
    };
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return {
      kind: 'unknown-host',
      unreachable: true,
      what: `the host name ${server.server} is not known (DNS)`,
      hint: `check pair.${role}.server: a name this machine resolves (nslookup ${server.server}) or an IP address`,
    };
  }
  if (codes.includes('ECONNREFUSED')) {
    return {
      kind: 'refused',
      unreachable: true,
      what: `nothing accepts connections on ${at} (connection refused)`,
      hint: `check that ${server.instance} is running and reachable: nothing listens on port ${server.port} (SQL Server Configuration Manager: TCP/IP enabled, the instance's static port), or fix pair.${role}.port`,
    };
  }
  if (codes.some((c) => TLS_CODE.test(c)) || /certificate|TLS|SSL/i.test(text)) {
    return {
      kind: 'tls',
      unreachable: false,
      what: `TLS with ${at} failed: ${messages.at(-1) ?? 'certificate not accepted'}`,
      hint: `give pair.${role}.caFile (the CA or the server's certificate, and connect by the name it is issued to), or set trustServerCertificate: true knowingly; encrypt: ${String(server.encrypt)} is in use`,
    };
  }
  if (codes.includes('ETIMEOUT') || codes.includes('ETIMEDOUT')) {
    return {
      kind: 'no-answer',
      unreachable: true,
      what: `${at} did not answer in time`,
      hint: `check that ${server.instance} is running and reachable: a firewall may drop this machine's packets to port ${server.port}`,
    };
  }
  return {
    kind: 'other',
    unreachable: true,
    what: messages[0] ?? String(error),
    hint: `check that ${server.instance} is running and reachable on port ${server.port}, and pair.${role}.login/password`,
  };
}
