// sys.endpoints, sys.tcp_endpoints, sys.database_mirroring_endpoints: the built-in TSQL endpoints
// every instance has, plus its one DATABASE_MIRRORING endpoint.

import type { InstanceState, MirroringEndpoint } from '../model.js';
import type { Relation } from '../sql/catalog.js';
import type { Column, SqlValue } from '../tds/handler.js';
import { findCertificate } from '../instance/certificates.js';
import { bit, int, nvarchar, sysname, tinyint } from './columns.js';
import type { CatalogContext } from './context.js';

interface EndpointRow {
  name: string;
  id: number;
  principalId: number;
  protocol: [number, string];
  type: [number, string];
  state: MirroringEndpoint['state'];
  isAdmin: boolean;
  port: number;
  dynamic: boolean;
  ip: string | null;
}

const STATES = { STARTED: 0, STOPPED: 1, DISABLED: 2 } as const;

function builtIn(): EndpointRow[] {
  const tsql = (name: string, id: number, protocol: [number, string], state: MirroringEndpoint['state'] = 'STARTED', isAdmin = false): EndpointRow => ({
    name,
    id,
    principalId: 1,
    protocol,
    type: [2, 'TSQL'],
    state,
    isAdmin,
    port: 0,
    dynamic: true,
    ip: null,
  });
  return [
    tsql('Dedicated Admin Connection', 1, [2, 'TCP'], 'STARTED', true),
    tsql('TSQL Local Machine', 2, [4, 'SHARED_MEMORY']),
    tsql('TSQL Named Pipes', 3, [3, 'NAMED_PIPES']),
    tsql('TSQL Default TCP', 4, [2, 'TCP']),
    tsql('TSQL Default VIA', 5, [5, 'VIA'], 'STOPPED'),
  ];
}

function endpointRows(instance: InstanceState): EndpointRow[] {
  const rows = builtIn();
  const e = instance.endpoint;
  if (e) {
    rows.push({
      name: e.name,
      id: e.endpointId,
      principalId: e.ownerPrincipalId,
      protocol: [2, 'TCP'],
      type: [4, 'DATABASE_MIRRORING'],
      state: e.state,
      isAdmin: false,
      port: e.port,
      dynamic: false,
      ip: e.listenerIp.toUpperCase() === 'ALL' ? null : e.listenerIp,
    });
  }
  return rows;
}

const baseColumns = (): Column[] => [
  sysname('name'),
  int('endpoint_id'),
  int('principal_id', true),
  tinyint('protocol'),
  nvarchar('protocol_desc', 60),
  tinyint('type'),
  nvarchar('type_desc', 60),
  tinyint('state', true),
  nvarchar('state_desc', 60),
  bit('is_admin_endpoint'),
];
const baseValues = (row: EndpointRow): SqlValue[] => [
  row.name,
  row.id,
  row.principalId,
  row.protocol[0],
  row.protocol[1],
  row.type[0],
  row.type[1],
  STATES[row.state],
  row.state,
  row.isAdmin,
];

export function sysEndpoints(ctx: CatalogContext): Relation {
  return { columns: baseColumns(), rows: endpointRows(ctx.instance).map(baseValues) };
}

export function sysTcpEndpoints(ctx: CatalogContext): Relation {
  return {
    columns: [...baseColumns(), int('port'), bit('is_dynamic_port'), nvarchar('ip_address', 45)],
    rows: endpointRows(ctx.instance)
      .filter((row) => row.protocol[1] === 'TCP')
      .map((row) => [...baseValues(row), row.port, row.dynamic, row.ip]),
  };
}

const ROLES = { NONE: 0, PARTNER: 1, WITNESS: 2, ALL: 3 } as const;
const WINDOWS_CODES = { NTLM: 1, KERBEROS: 2, NEGOTIATE: 3 } as const;

export function connectionAuth(auth: MirroringEndpoint['auth']): [number, string] {
  const [first, second] = auth;
  if (!first) return [3, 'NEGOTIATE'];
  if (first.kind === 'WINDOWS' && !second) return [WINDOWS_CODES[first.protocol], first.protocol];
  if (first.kind === 'CERTIFICATE' && !second) return [4, 'CERTIFICATE'];
  if (first.kind === 'WINDOWS') return [WINDOWS_CODES[first.protocol] + 4, `${first.protocol}, CERTIFICATE`];
  const windows = second?.kind === 'WINDOWS' ? second.protocol : 'NEGOTIATE';
  return [WINDOWS_CODES[windows] + 7, `CERTIFICATE, ${windows}`];
}

export function encryptionAlgorithm(endpoint: Pick<MirroringEndpoint, 'encryption' | 'algorithms'>): [number, string] {
  if (endpoint.encryption === 'DISABLED') return [0, 'NONE'];
  const list = endpoint.algorithms.join(', ');
  if (endpoint.encryption === 'REQUIRED') {
    return [({ RC4: 1, AES: 2, 'RC4, AES': 5, 'AES, RC4': 6 } as Record<string, number>)[list] ?? 2, list];
  }
  return [({ RC4: 3, AES: 4, 'RC4, AES': 7, 'AES, RC4': 8 } as Record<string, number>)[list] ?? 4, `NONE, ${list}`];
}

export function sysDatabaseMirroringEndpoints(ctx: CatalogContext): Relation {
  const columns = [
    ...baseColumns(),
    tinyint('role', true),
    nvarchar('role_desc', 60),
    bit('is_encryption_enabled'),
    tinyint('connection_auth'),
    nvarchar('connection_auth_desc', 60),
    int('certificate_id'),
    tinyint('encryption_algorithm'),
    nvarchar('encryption_algorithm_desc', 60),
  ];
  const e = ctx.instance.endpoint;
  const row = endpointRows(ctx.instance).find((candidate) => candidate.type[1] === 'DATABASE_MIRRORING');
  if (!e || !row) return { columns, rows: [] };
  const certificate = e.auth.find((method) => method.kind === 'CERTIFICATE');
  const master = ctx.instance.databases['master'];
  const certificateId = certificate && master ? (findCertificate(master, certificate.certificate)?.certificateId ?? 0) : 0;
  const [auth, authDesc] = connectionAuth(e.auth);
  const [algorithm, algorithmDesc] = encryptionAlgorithm(e);
  return {
    columns,
    rows: [[...baseValues(row), ROLES[e.role], e.role, e.encryption !== 'DISABLED', auth, authDesc, certificateId, algorithm, algorithmDesc]],
  };
}
