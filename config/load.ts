// mirrorbook.yaml → MirrorbookConfig. Everything is checked here, before any connection: unknown
// keys, wrong types, missing fields, names that cannot be identifiers, weak passwords, literal
// secrets. Every problem is reported with its path and what is allowed, and exits 2.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors/operator-error.js';
import { identifierProblem, type IdentifierKind } from './identifier.js';
import { readMonitor } from './monitor.js';
import { passwordWeakness } from './password-policy.js';
import { PATRIOT, defaultPeerNames } from './preset.js';
import { Issues, bool, int, list, mapping, oneOf, quoted, required, str, type Raw } from './schema.js';
import { Secret, resolveSecret } from './secret.js';
import { CONFIG_FILE_LIMIT, readBoundedFile } from './bounded-file.js';
import { readAuditSection } from './audit-key.js';
import type { AuthConfig, BackupConfig, EndpointConfig, MirrorbookConfig, PartnerRole, PeerNames, ServerConfig } from './types.js';

const TOP_KEYS = [
  'preset',
  'pair',
  'databases',
  'endpoint',
  'auth',
  'backup',
  'secrets',
  'safety',
  'applicationPrograms',
  'audit',
  'monitor',
  'waits',
] as const;
const SERVER_KEYS = ['server', 'host', 'port', 'instance', 'login', 'password', 'encrypt', 'trustServerCertificate', 'caFile', 'mirroringAddress'] as const;
const ROLES: PartnerRole[] = ['principal', 'mirror', 'witness'];
const MIRRORING_ADDRESS = /^TCP:\/\/(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;
// No `..` segment (a backup path names the directory itself), no quote (a paste mistake, never a
// folder a DBA means), no \\?\ or \\.\ device path.
const WINDOWS_PATH = /^(?!.*\\\.\.(\\|$))([A-Za-z]:\\|\\\\(?![.?]\\))[^\x00-\x1f"'*?<>|]*$/;
const UNC_PATH = /^(?!.*\\\.\.(\\|$))\\\\(?![.?]\\)[^\\\x00-\x1f'?]+\\[^\x00-\x1f"'*?<>|]+$/;

export interface LoadOptions {
  env: NodeJS.ProcessEnv;
}

export function loadConfig(path: string, options: LoadOptions): MirrorbookConfig {
  const text = readBoundedFile(path, {
    limit: CONFIG_FILE_LIMIT,
    what: 'config file',
    missingHint: 'pass --config FILE, set MIRRORBOOK_CONFIG, or run `mirrorbook lab start` to write one',
  });
  return parseConfig(text, path, options);
}

export function parseConfig(text: string, path: string, options: LoadOptions): MirrorbookConfig {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    throw new UsageError(`${path}: not valid YAML${where}: ${first.message.split('\n')[0]}`, 'fix the YAML syntax (indentation, quotes around Windows paths)');
  }
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (error) {
    // yaml refuses alias expansion that would blow up memory ("billion laughs").
    throw new UsageError(
      `${path}: not valid YAML: ${(error as Error).message}`,
      'write the values out instead of repeating them through anchors and aliases (&name / *name)',
    );
  }
  const issues = new Issues();
  const config = readConfig(raw, resolve(path), issues, options.env);
  if (!issues.empty || !config) {
    const lines = issues.list.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    throw new UsageError(`${path}: invalid configuration\n${lines}`, 'nothing was executed; fix the fields above and run again');
  }
  return config;
}

function readConfig(raw: unknown, path: string, issues: Issues, env: NodeJS.ProcessEnv): MirrorbookConfig | undefined {
  const top = mapping(raw, '', TOP_KEYS, issues);
  if (!top) return undefined;
  const preset = oneOf(top.preset, 'preset', ['patriot'] as const, issues);
  const patriot = preset === 'patriot';
  const sources = { baseDir: dirname(path), env };
  const warnings: string[] = [];

  const endpoint = readEndpoint(top.endpoint, patriot, issues, warnings);
  const pairRaw = required(mapping(top.pair, 'pair', ROLES, issues), 'pair', 'a mapping with principal, mirror and optional witness', issues);
  const servers: Partial<Record<PartnerRole, ServerConfig>> = {};
  for (const role of ROLES) {
    const value = pairRaw?.[role];
    if (value === undefined) {
      if (role !== 'witness' && pairRaw) issues.add(`pair.${role}`, 'missing; expected the server, port, instance, login, password and mirroringAddress');
      continue;
    }
    const server = readServer(value, role, endpoint?.port, issues, sources);
    if (server) servers[role] = server;
  }

  const databases = readDatabases(top.databases, patriot, issues);
  const auth = readAuth(top.auth, patriot, issues);
  const backup = readBackup(top.backup, auth, issues);
  const secrets = readSecrets(top.secrets, auth, issues, sources);
  const safety = oneOf(top.safety, 'safety', ['FULL', 'OFF'] as const, issues) ?? 'FULL';
  const audit = readAuditSection(top.audit, issues, sources);
  if (safety === 'OFF' && servers.witness) warnings.push('safety OFF with a witness only adds risk: the witness is never used for automatic failover');
  if (safety === 'OFF') warnings.push('safety OFF (high performance) allows data loss and needs Enterprise edition');
  // program_name is nvarchar(128): a longer LIKE pattern matches nothing.
  const programsRaw = list(top.applicationPrograms, 'applicationPrograms', issues, 50);
  const applicationPrograms = programsRaw
    ? programsRaw
        .map((p, i) => str(p, `applicationPrograms[${i}]`, issues, { pattern: /^.{1,128}$/su, allowed: 'a LIKE pattern of at most 128 characters' }))
        .filter((p): p is string => p !== undefined)
    : patriot
      ? PATRIOT.applicationPrograms
      : [];
  const monitor = readMonitor(top.monitor, issues, sources);
  const waitsRaw = mapping(top.waits, 'waits', ['withoutProgressSeconds'], issues) ?? {};
  const waits = { withoutProgressSeconds: int(waitsRaw.withoutProgressSeconds, 'waits.withoutProgressSeconds', issues, 10, 3600) ?? 300 };

  if (servers.principal && servers.mirror) {
    const seen = new Map<string, PartnerRole>();
    for (const s of Object.values(servers)) {
      const other = seen.get(s.mirroringAddress.toUpperCase());
      if (other)
        issues.add(
          `pair.${s.role}.mirroringAddress`,
          `is the same as pair.${other}.mirroringAddress; every partner and the witness need their own (error 1452/1429 otherwise)`,
        );
      seen.set(s.mirroringAddress.toUpperCase(), s.role);
      const sameInstance = [...Object.values(servers)].find((o) => o !== s && o.instance.toUpperCase() === s.instance.toUpperCase());
      if (sameInstance && s.role !== 'principal' && sameInstance.role === 'principal')
        issues.add(`pair.${s.role}.instance`, `is the same instance as pair.principal.instance; mirroring needs two instances`);
    }
  }
  if (!issues.empty || !endpoint || !servers.principal || !servers.mirror || !databases || !auth || !backup || !secrets) return undefined;
  return {
    path,
    ...(preset ? { preset } : {}),
    pair: { principal: servers.principal, mirror: servers.mirror, ...(servers.witness ? { witness: servers.witness } : {}) },
    databases,
    endpoint,
    auth,
    backup,
    secrets,
    applicationPrograms,
    safety,
    ...(audit?.key ? { audit: { key: audit.key } } : {}),
    warnings,
    monitor,
    waits,
  };
}

function identifier(value: unknown, path: string, kind: IdentifierKind, issues: Issues): string | undefined {
  const name = str(value, path, issues);
  if (name === undefined) return undefined;
  const problem = identifierProblem(kind, name);
  if (problem) {
    issues.add(path, `${quoted(name)} cannot be used as a ${kind} name: ${problem}`);
    return undefined;
  }
  return name;
}

function readEndpoint(value: unknown, patriot: boolean, issues: Issues, warnings: string[]): EndpointConfig | undefined {
  const raw = mapping(value, 'endpoint', ['name', 'port', 'encryption', 'algorithm', 'allowRc4', 'names'], issues) ?? (patriot ? {} : undefined);
  if (!raw) {
    issues.add('endpoint', 'missing; expected { name, port } (or preset: patriot)');
    return undefined;
  }
  const name = identifier(raw.name, 'endpoint.name', 'endpoint', issues) ?? (raw.name === undefined && patriot ? PATRIOT.endpoint.name : undefined);
  if (raw.name === undefined && !patriot) issues.add('endpoint.name', 'missing; expected the mirroring endpoint name, e.g. Endpoint_Mirroring');
  const port = int(raw.port, 'endpoint.port', issues, 1024, 32767) ?? (raw.port === undefined && patriot ? PATRIOT.endpoint.port : undefined);
  if (raw.port === undefined && !patriot) issues.add('endpoint.port', 'missing; expected an integer 1024–32767');
  const encryption = oneOf(raw.encryption, 'endpoint.encryption', ['REQUIRED', 'SUPPORTED', 'DISABLED'] as const, issues) ?? 'REQUIRED';
  const algorithm = oneOf(raw.algorithm, 'endpoint.algorithm', ['AES', 'RC4', 'AES RC4', 'RC4 AES'] as const, issues) ?? 'AES';
  const allowRc4 = bool(raw.allowRc4, 'endpoint.allowRc4', issues) ?? false;
  if (algorithm.includes('RC4')) {
    if (!allowRc4)
      issues.add(
        'endpoint.algorithm',
        `${algorithm} uses RC4, which is deprecated and insecure; use AES, or set endpoint.allowRc4: true if an old peer really needs it`,
      );
    else warnings.push(`endpoint.algorithm ${algorithm}: RC4 is deprecated and insecure (allowed by endpoint.allowRc4)`);
  }
  if (encryption === 'DISABLED') warnings.push('endpoint.encryption DISABLED: mirroring traffic travels unencrypted');
  const names = readEndpointNames(raw.names, issues);
  if (!name || !port) return undefined;
  return { name, port, encryption, algorithm, allowRc4, ...(names ? { names } : {}) };
}

/** endpoint.names: { principal: Mirroring } adopts an endpoint an instance already has under another name. */
function readEndpointNames(value: unknown, issues: Issues): EndpointConfig['names'] {
  const raw = mapping(value, 'endpoint.names', ROLES, issues);
  if (!raw) return undefined;
  const names: NonNullable<EndpointConfig['names']> = {};
  for (const role of ROLES) {
    const name = identifier(raw[role], `endpoint.names.${role}`, 'endpoint', issues);
    if (name) names[role] = name;
  }
  return names;
}

function readServer(
  value: unknown,
  role: PartnerRole,
  endpointPort: number | undefined,
  issues: Issues,
  sources: { baseDir: string; env: NodeJS.ProcessEnv },
): ServerConfig | undefined {
  const path = `pair.${role}`;
  const raw = mapping(value, path, SERVER_KEYS, issues);
  if (!raw) return undefined;
  const need = (key: string, what: string): unknown => {
    if (raw[key] === undefined) issues.add(`${path}.${key}`, `missing; expected ${what}`);
    return raw[key];
  };
  if (raw.server !== undefined && raw.host !== undefined) issues.add(`${path}.host`, 'give either server or host, not both');
  const hostValue = raw.server ?? raw.host;
  if (hostValue === undefined) issues.add(`${path}.server`, 'missing; expected the host name or address to connect to');
  const server = str(hostValue, `${path}.server`, issues, { pattern: /^[A-Za-z0-9._:\[\]-]+$/, allowed: 'a host name or IP address' });
  const port = int(need('port', 'the TDS port, e.g. 1433'), `${path}.port`, issues, 1, 65535);
  const instance = str(need('instance', 'the name @@SERVERNAME returns, e.g. SQLPRI01 or HOST\\INSTANCE'), `${path}.instance`, issues, {
    pattern: /^[A-Za-z0-9_.-]+(\\[A-Za-z0-9_$#-]+)?$/,
    allowed: 'HOST or HOST\\INSTANCE (what @@SERVERNAME returns)',
  });
  const login = str(need('login', 'the SQL login mirrorbook connects with'), `${path}.login`, issues);
  let password: Secret | undefined;
  if (need('password', 'env:NAME or file:PATH') !== undefined) {
    try {
      password = resolveSecret(raw.password, `${path}.password`, sources);
    } catch (error) {
      issues.add(
        `${path}.password`,
        (error as Error).message.replace(`${path}.password: `, '') + ((error as UsageError).hint?.includes('env:NAME') ? ' (use env:NAME or file:PATH)' : ''),
      );
    }
  }
  const encrypt = oneOf(raw.encrypt, `${path}.encrypt`, [false, true, 'strict'] as const, issues) ?? true;
  const trustServerCertificate = bool(raw.trustServerCertificate, `${path}.trustServerCertificate`, issues) ?? false;
  const caFileRaw = str(raw.caFile, `${path}.caFile`, issues);
  const caFile = caFileRaw === undefined ? undefined : isAbsolute(caFileRaw) ? caFileRaw : resolve(sources.baseDir, caFileRaw);
  if (caFile !== undefined && !readableFile(caFile))
    issues.add(
      `${path}.caFile`,
      `${caFile} is not a readable file; expected the PEM file of the CA that signed the server's certificate (relative to this config)`,
    );
  // Trusting any certificate would silently make the CA file pointless: say so instead.
  if (caFile !== undefined && trustServerCertificate)
    issues.add(
      `${path}.trustServerCertificate`,
      `true together with caFile ${caFile}: the CA would never be checked; remove trustServerCertificate to verify the server with ${caFile}`,
    );
  const addressRaw = str(need('mirroringAddress', "TCP://host:port of this instance's mirroring endpoint"), `${path}.mirroringAddress`, issues);
  let mirroringAddress: string | undefined;
  if (addressRaw !== undefined) {
    const match = MIRRORING_ADDRESS.exec(addressRaw);
    if (!match)
      issues.add(
        `${path}.mirroringAddress`,
        `${quoted(addressRaw)} is not allowed; expected TCP://host:port (a host name, FQDN, IPv4 or [IPv6]; never the instance name)`,
      );
    else {
      const addressPort = Number(match[3]);
      if (addressPort < 1024 || addressPort > 32767) issues.add(`${path}.mirroringAddress`, `port ${addressPort} is outside 1024–32767`);
      else if (endpointPort !== undefined && addressPort !== endpointPort)
        issues.add(`${path}.mirroringAddress`, `port ${addressPort} differs from endpoint.port ${endpointPort}; the address must name the endpoint's port`);
      else mirroringAddress = addressRaw;
    }
  }
  if (!server || !port || !instance || !login || !password || !mirroringAddress || endpointPort === undefined) return undefined;
  return { role, server, port, instance, login, password, encrypt, trustServerCertificate, ...(caFile ? { caFile } : {}), mirroringAddress, endpointPort };
}

function readDatabases(value: unknown, patriot: boolean, issues: Issues): string[] | undefined {
  if (value === undefined) {
    if (patriot) return [...PATRIOT.databases];
    issues.add('databases', 'missing; expected a list of database names (or preset: patriot)');
    return undefined;
  }
  const raw = list(value, 'databases', issues);
  if (!raw) return undefined;
  if (raw.length === 0) issues.add('databases', 'expected at least one database');
  const names = raw.map((d, i) => identifier(d, `databases[${i}]`, 'database', issues));
  const lower = names.filter((n): n is string => n !== undefined).map((n) => n.toLowerCase());
  if (new Set(lower).size !== lower.length) issues.add('databases', 'lists a database twice');
  return names.every((n) => n !== undefined) ? (names as string[]) : undefined;
}

function readAuth(value: unknown, patriot: boolean, issues: Issues): AuthConfig | undefined {
  const raw: Raw | undefined =
    mapping(value, 'auth', ['mode', 'serviceAccount', 'certificates', 'logins', 'users', 'expiryYears', 'backdateDays', 'exchange'], issues) ??
    (patriot ? {} : undefined);
  if (!raw) {
    issues.add('auth', 'missing; expected { mode: domain, serviceAccount: DOMAIN\\name } or { mode: certificate }');
    return undefined;
  }
  const mode = oneOf(raw.mode ?? (patriot ? PATRIOT.authMode : undefined), 'auth.mode', ['domain', 'certificate'] as const, issues);
  if (raw.mode === undefined && !patriot) issues.add('auth.mode', 'missing; expected domain or certificate');
  if (mode === 'domain') {
    for (const key of ['certificates', 'logins', 'users', 'expiryYears', 'backdateDays', 'exchange']) {
      if (raw[key] !== undefined) issues.add(`auth.${key}`, 'only used with auth.mode: certificate');
    }
    if (raw.serviceAccount === undefined) issues.add('auth.serviceAccount', 'missing; expected the SQL Server service account DOMAIN\\name');
    const serviceAccount = identifier(raw.serviceAccount, 'auth.serviceAccount', 'windows-login', issues);
    return serviceAccount ? { mode, serviceAccount } : undefined;
  }
  if (mode !== 'certificate') return undefined;
  if (raw.serviceAccount !== undefined) issues.add('auth.serviceAccount', 'only used with auth.mode: domain');
  const names = {} as Record<PartnerRole, PeerNames>;
  const groups = { certificates: 'certificate', logins: 'login', users: 'user' } as const;
  for (const role of ROLES) names[role] = defaultPeerNames(role);
  for (const [group, field] of Object.entries(groups) as [keyof typeof groups, (typeof groups)[keyof typeof groups]][]) {
    const byRole = mapping(raw[group], `auth.${group}`, ROLES, issues);
    if (!byRole) continue;
    for (const role of ROLES) {
      const name = identifier(byRole[role], `auth.${group}.${role}`, field, issues);
      if (name) names[role][field] = name;
    }
    // Each partner imports its peers' certificates (and creates their logins and users) under
    // their own names beside its own, so one name for two partners would collide.
    const given = ROLES.map((role) => names[role][field].toLowerCase());
    if (new Set(given).size !== given.length) issues.add(`auth.${group}`, `gives two partners the same ${field} name; each partner needs its own`);
  }
  const expiryYears = int(raw.expiryYears, 'auth.expiryYears', issues, 1, 100) ?? 20;
  const backdateDays = int(raw.backdateDays, 'auth.backdateDays', issues, 0, 30) ?? 1;
  const exchange = oneOf(raw.exchange, 'auth.exchange', ['binary', 'file'] as const, issues) ?? 'binary';
  return { mode, names, expiryYears, backdateDays, exchange };
}

function readBackup(value: unknown, auth: AuthConfig | undefined, issues: Issues): BackupConfig | undefined {
  const raw = mapping(
    value,
    'backup',
    ['directory', 'mirrorReadsFrom', 'mirrorDirectory', 'principalReadsFrom', 'seed', 'mirrorDataPath', 'mirrorLogPath'],
    issues,
  );
  if (!raw) {
    issues.add('backup', "missing; expected { directory: 'D:\\Backup', mirrorReadsFrom: '\\\\SQLPRI01\\Backup' }");
    return undefined;
  }
  const windowsPath = { pattern: WINDOWS_PATH, allowed: "a Windows path such as 'D:\\Backup' (single-quoted in YAML; no .. segment, no quote)" };
  const uncPath = {
    pattern: UNC_PATH,
    allowed: "a UNC path such as '\\\\SQLPRI01\\Backup' (single-quoted in YAML; no .. segment, no quote, no \\\\?\\ device path)",
  };
  const directory = str(
    required(raw.directory, 'backup.directory', "where the principal writes backups, e.g. 'D:\\Backup'", issues),
    'backup.directory',
    issues,
    windowsPath,
  );
  const mirrorReadsFrom = str(
    required(raw.mirrorReadsFrom, 'backup.mirrorReadsFrom', "how the mirror reads that directory, e.g. '\\\\SQLPRI01\\Backup'", issues),
    'backup.mirrorReadsFrom',
    issues,
    uncPath,
  );
  const mirrorDirectory = str(raw.mirrorDirectory, 'backup.mirrorDirectory', issues, windowsPath);
  const principalReadsFrom = str(raw.principalReadsFrom, 'backup.principalReadsFrom', issues, uncPath);
  const seed = oneOf(raw.seed, 'backup.seed', ['backup', 'existing'] as const, issues) ?? 'backup';
  const mirrorDataPath = str(raw.mirrorDataPath, 'backup.mirrorDataPath', issues, windowsPath);
  const mirrorLogPath = str(raw.mirrorLogPath, 'backup.mirrorLogPath', issues, windowsPath);
  if (auth?.mode === 'certificate' && auth.exchange === 'file') {
    if (!mirrorDirectory) issues.add('backup.mirrorDirectory', 'needed with auth.exchange: file — where the mirror writes its certificate');
    if (!principalReadsFrom) issues.add('backup.principalReadsFrom', 'needed with auth.exchange: file — how the principal reads backup.mirrorDirectory (UNC)');
  }
  if (!directory || !mirrorReadsFrom) return undefined;
  return {
    directory,
    mirrorReadsFrom,
    seed,
    ...(mirrorDirectory ? { mirrorDirectory } : {}),
    ...(principalReadsFrom ? { principalReadsFrom } : {}),
    ...(mirrorDataPath ? { mirrorDataPath } : {}),
    ...(mirrorLogPath ? { mirrorLogPath } : {}),
  };
}

function readSecrets(
  value: unknown,
  auth: AuthConfig | undefined,
  issues: Issues,
  sources: { baseDir: string; env: NodeJS.ProcessEnv },
): MirrorbookConfig['secrets'] | undefined {
  const raw = mapping(value, 'secrets', ['masterKeyPassword', 'endpointLoginPassword'], issues) ?? {};
  const secrets: MirrorbookConfig['secrets'] = {};
  for (const key of ['masterKeyPassword', 'endpointLoginPassword'] as const) {
    const path = `secrets.${key}`;
    if (raw[key] === undefined) {
      if (auth?.mode === 'certificate') issues.add(path, 'missing; needed with auth.mode: certificate (env:NAME or file:PATH)');
      continue;
    }
    try {
      const secret = resolveSecret(raw[key], path, sources);
      const weakness = passwordWeakness(secret.reveal());
      if (weakness) issues.add(path, `the password is too weak: ${weakness} (SQL Server refuses weak passwords with 15116/15118)`);
      else secrets[key] = secret;
    } catch (error) {
      const e = error as UsageError;
      issues.add(path, e.message.replace(`${path}: `, '') + (e.hint?.includes('env:NAME') ? ' — use env:NAME or file:PATH' : ''));
    }
  }
  return secrets;
}

function readableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
