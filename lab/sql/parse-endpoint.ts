// CREATE / ALTER / DROP ENDPOINT … FOR DATABASE_MIRRORING. Options come in any order, once each.

import type {
  AlterEndpointStatement,
  CreateEndpointStatement,
  DropEndpointStatement,
  EndpointAuthentication,
  EndpointEncryption,
  EndpointState,
  MirroringEndpointOptions,
  TcpOptions,
} from './ast.js';
import type { Cursor } from './cursor.js';

export function parseCreateEndpoint(c: Cursor, line: number): CreateEndpointStatement {
  c.expectWord('ENDPOINT');
  const name = c.identifier();
  const authorization = c.acceptWord('AUTHORIZATION') ? c.identifier() : undefined;
  const state = endpointState(c);
  c.expectWord('AS', 'TCP');
  const portToken = c.peek();
  const tcp = tcpOptions(c);
  if (tcp.port === undefined) throw c.fail(portToken);
  c.expectWord('FOR', 'DATABASE_MIRRORING');
  const mirroring = mirroringOptions(c);
  const statement: CreateEndpointStatement = { kind: 'createEndpoint', line, name, tcp: { ...tcp, port: tcp.port }, mirroring };
  if (authorization !== undefined) statement.authorization = authorization;
  if (state !== undefined) statement.state = state;
  return statement;
}

export function parseAlterEndpoint(c: Cursor, line: number): AlterEndpointStatement {
  c.expectWord('ENDPOINT');
  const name = c.identifier();
  const statement: AlterEndpointStatement = { kind: 'alterEndpoint', line, name };
  const state = endpointState(c);
  if (state !== undefined) statement.state = state;
  if (c.acceptWord('AS', 'TCP')) statement.tcp = tcpOptions(c);
  if (c.acceptWord('FOR', 'DATABASE_MIRRORING')) statement.mirroring = mirroringOptions(c);
  if (!statement.state && !statement.tcp && !statement.mirroring) throw c.fail();
  return statement;
}

export function parseDropEndpoint(c: Cursor, line: number): DropEndpointStatement {
  c.expectWord('ENDPOINT');
  return { kind: 'dropEndpoint', line, name: c.identifier() };
}

function endpointState(c: Cursor): EndpointState | undefined {
  if (!c.acceptWord('STATE')) return undefined;
  c.equals();
  return c.expectOneOf('STARTED', 'STOPPED', 'DISABLED');
}

function tcpOptions(c: Cursor): TcpOptions {
  const tcp: TcpOptions = {};
  c.expectOp('(');
  do {
    const at = c.peek();
    const option = c.expectOneOf('LISTENER_PORT', 'LISTENER_IP');
    if ((option === 'LISTENER_PORT' ? tcp.port : tcp.ip) !== undefined) throw c.fail(at);
    c.equals();
    if (option === 'LISTENER_PORT') tcp.port = c.integer();
    else tcp.ip = listenerIp(c);
  } while (c.acceptOp(','));
  c.expectOp(')');
  return tcp;
}

/** ALL, (10.0.0.5) written bare, or ('::1') quoted. */
function listenerIp(c: Cursor): string {
  if (c.acceptWord('ALL')) return 'ALL';
  c.expectOp('(');
  if (c.isString()) {
    const ip = c.string();
    c.expectOp(')');
    return ip;
  }
  // The scanner sees 10.0.0.5 as the numbers 10.0, .0 and .5; glue their text back together.
  let ip = '';
  const start = c.peek();
  while (c.peek().kind === 'number') ip += c.next().text;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) throw c.fail(start);
  c.expectOp(')');
  return ip;
}

function mirroringOptions(c: Cursor): MirroringEndpointOptions {
  const options: MirroringEndpointOptions = {};
  c.expectOp('(');
  do {
    const at = c.peek();
    const option = c.expectOneOf('AUTHENTICATION', 'ENCRYPTION', 'ROLE');
    if (options[option.toLowerCase() as keyof MirroringEndpointOptions] !== undefined) throw c.fail(at);
    c.equals();
    if (option === 'AUTHENTICATION') options.authentication = authentication(c);
    else if (option === 'ENCRYPTION') options.encryption = encryption(c);
    else options.role = c.expectOneOf('WITNESS', 'PARTNER', 'ALL');
  } while (c.acceptOp(','));
  c.expectOp(')');
  return options;
}

/** WINDOWS [protocol] [CERTIFICATE c] | CERTIFICATE c [WINDOWS [protocol]]. */
function authentication(c: Cursor): EndpointAuthentication[] {
  const windows = (): EndpointAuthentication => ({ kind: 'WINDOWS', protocol: c.acceptOneOf('NTLM', 'KERBEROS', 'NEGOTIATE') ?? 'NEGOTIATE' });
  const certificate = (): EndpointAuthentication => ({ kind: 'CERTIFICATE', certificate: c.identifier() });
  const first = c.expectOneOf('WINDOWS', 'CERTIFICATE');
  if (first === 'WINDOWS') {
    const methods = [windows()];
    if (c.acceptWord('CERTIFICATE')) methods.push(certificate());
    return methods;
  }
  const methods = [certificate()];
  if (c.acceptWord('WINDOWS')) methods.push(windows());
  return methods;
}

function encryption(c: Cursor): EndpointEncryption {
  const mode = c.expectOneOf('DISABLED', 'SUPPORTED', 'REQUIRED');
  if (mode === 'DISABLED' || !c.acceptWord('ALGORITHM')) return { mode };
  const algorithms: ('AES' | 'RC4')[] = [c.expectOneOf('AES', 'RC4')];
  const at = c.peek();
  const second = c.acceptOneOf('AES', 'RC4');
  if (second !== undefined) {
    if (second === algorithms[0]) throw c.fail(at);
    algorithms.push(second);
  }
  return { mode, algorithms };
}
