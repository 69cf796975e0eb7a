// The instance's one DATABASE_MIRRORING endpoint: CREATE / ALTER / DROP ENDPOINT with SQL Server's
// defaults (STATE STOPPED, ENCRYPTION REQUIRED, AES from 2016 / RC4 before, WINDOWS NEGOTIATE).

import { SqlError } from '../errors.js';
import type { MirroringEndpoint } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { findCertificate } from './certificates.js';
import { findLogin } from './principals.js';
import { masterDatabase, notFound, sessionLogin } from './scope.js';
import { atLeast } from './version.js';

/** The instance's own TSQL Default TCP endpoint port: an endpoint cannot bind it again. */
export const TSQL_PORT = 1433;
const MIN_PORT = 1024;
const MAX_PORT = 32767;

export type AuthMethod = MirroringEndpoint['auth'][number];

export interface EndpointOptions {
  state?: MirroringEndpoint['state'];
  port?: number;
  listenerIp?: string;
  auth?: AuthMethod[];
  encryption?: { mode: MirroringEndpoint['encryption']; algorithms?: MirroringEndpoint['algorithms'] };
  role?: MirroringEndpoint['role'];
}

export interface CreateEndpointRequest extends EndpointOptions {
  name: string;
  authorization?: string;
}

export function createEndpoint(env: ExecEnv, request: CreateEndpointRequest): MirroringEndpoint {
  if (env.instance.endpoint) {
    throw new SqlError(
      7862,
      'An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.',
    );
  }
  if (request.port === undefined) throw new SqlError(7807, `An error ('0x80070057') occurred while attempting to register the endpoint '${request.name}'.`);
  const ownerLogin = request.authorization === undefined ? sessionLogin(env) : findLogin(env.instance.logins, request.authorization);
  if (!ownerLogin) throw notFound('find', 'login', request.authorization ?? env.session.login);
  const endpoint: MirroringEndpoint = {
    name: request.name,
    endpointId: env.lab.nextIds.endpointId++,
    ownerPrincipalId: ownerLogin.principalId,
    state: 'STOPPED',
    port: request.port,
    listenerIp: 'ALL',
    role: 'ALL',
    auth: [{ kind: 'WINDOWS', protocol: 'NEGOTIATE' }],
    encryption: 'REQUIRED',
    algorithms: [defaultAlgorithm(env)],
  };
  applyOptions(env, endpoint, request);
  env.instance.endpoint = endpoint;
  logTransport(env, endpoint);
  env.changed();
  return endpoint;
}

export function alterEndpoint(env: ExecEnv, name: string, options: EndpointOptions): MirroringEndpoint {
  const endpoint = env.instance.endpoint;
  if (!endpoint || endpoint.name.toLowerCase() !== name.toLowerCase()) throw notFound('alter', 'endpoint', name);
  const candidate = structuredClone(endpoint);
  applyOptions(env, candidate, options);
  Object.assign(endpoint, candidate);
  logTransport(env, endpoint);
  env.changed();
  return endpoint;
}

export function dropEndpoint(env: ExecEnv, name: string): void {
  const endpoint = env.instance.endpoint;
  if (!endpoint || endpoint.name.toLowerCase() !== name.toLowerCase()) throw notFound('drop', 'endpoint', name);
  env.instance.serverPermissions = env.instance.serverPermissions.filter(
    (permission) => !(permission.class === 105 && permission.majorId === endpoint.endpointId),
  );
  env.instance.endpoint = null;
  env.changed();
}

function defaultAlgorithm(env: ExecEnv): 'AES' | 'RC4' {
  return atLeast(env.instance.version, '2016') ? 'AES' : 'RC4';
}

function applyOptions(env: ExecEnv, endpoint: MirroringEndpoint, options: EndpointOptions): void {
  if (options.port !== undefined) {
    checkPort(env, endpoint.name, options.port);
    endpoint.port = options.port;
  }
  if (options.listenerIp !== undefined) endpoint.listenerIp = options.listenerIp;
  if (options.auth !== undefined) {
    const master = masterDatabase(env.instance);
    for (const method of options.auth) {
      if (method.kind === 'CERTIFICATE' && !findCertificate(master, method.certificate)) throw notFound('find', 'certificate', method.certificate);
    }
    endpoint.auth = options.auth.map((method) =>
      method.kind === 'CERTIFICATE' ? { kind: 'CERTIFICATE', certificate: findCertificate(master, method.certificate)?.name ?? method.certificate } : method,
    );
  }
  if (options.encryption !== undefined) {
    endpoint.encryption = options.encryption.mode;
    endpoint.algorithms =
      options.encryption.mode === 'DISABLED' ? [] : options.encryption.algorithms?.length ? options.encryption.algorithms : [defaultAlgorithm(env)];
  }
  if (options.role !== undefined) endpoint.role = options.role;
  if (options.state !== undefined) endpoint.state = options.state;
}

function checkPort(env: ExecEnv, name: string, port: number): void {
  if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw new SqlError(7888, `The port number ${port} is not valid for endpoint '${name}'. Valid port numbers are ${MIN_PORT} through ${MAX_PORT}.`);
  }
  if (port === TSQL_PORT) {
    throw new SqlError(
      7874,
      'An endpoint already exists with the bindings specified. Only one endpoint supported for a specific binding. Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.',
    );
  }
  const neighbour = Object.values(env.lab.instances).find(
    (other) => other !== env.instance && other.host.toUpperCase() === env.instance.host.toUpperCase() && other.endpoint?.port === port,
  );
  if (neighbour) {
    throw new SqlError(
      7890,
      `An error occurred while attempting to register the endpoint '${name}'. One or more of the ports specified in the CREATE ENDPOINT statement may be bound to another process. Attempt the statement again with a different port or use netstat to find the application currently using the port and resolve the conflict.`,
    );
  }
}

function logTransport(env: ExecEnv, endpoint: MirroringEndpoint): void {
  const ts = env.now().toISOString();
  if (endpoint.state === 'STARTED') {
    env.instance.errorLog.push({ ts, number: 1485, text: 'Database Mirroring has been enabled on this instance of SQL Server.' });
    env.instance.errorLog.push({ ts, text: `Server is listening on [ 'any' <ipv4> ${endpoint.port}].` });
    env.instance.errorLog.push({ ts, text: 'The Database Mirroring endpoint is now listening for connections.' });
  } else {
    env.instance.errorLog.push({ ts, number: 1486, text: 'Database Mirroring Transport is disabled in the endpoint configuration.' });
  }
}
