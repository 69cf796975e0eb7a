// Dynamic management views: services, sessions, requests, mirroring connections, and the witness's
// view of the sessions it watches.

import { createHash } from 'node:crypto';
import type { InstanceState, LabState } from '../model.js';
import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { findCertificate } from '../instance/certificates.js';
import { instanceRoot } from '../instance/version.js';
import { instanceId } from '../instance/database.js';
import { bigint, bit, date, datetime, datetimeoffset, int, nvarchar, real, smallint, uniqueidentifier, varbinary } from './columns.js';
import type { CatalogContext } from './context.js';
import { encryptionAlgorithm } from './endpoints.js';

export function sysDmServerServices(ctx: CatalogContext): Relation {
  const columns = [
    nvarchar('servicename', 256, false),
    int('startup_type', true),
    nvarchar('startup_type_desc', 256),
    int('status', true),
    nvarchar('status_desc', 256),
    int('process_id', true),
    datetimeoffset('last_startup_time', true),
    nvarchar('service_account', 256, false),
    nvarchar('filename', 256, false),
    nvarchar('is_clustered', 1, false),
    nvarchar('cluster_nodename', 256),
    nvarchar('instant_file_initialization_enabled', 1, false),
  ];
  const s = ctx.instance.service;
  const running = s.status === 'Running';
  const id = instanceId(ctx.instance);
  const root = `"${instanceRoot(ctx.instance.version, id)}\\Binn`;
  const agent = id === 'MSSQLSERVER' ? 'SQLSERVERAGENT' : `SQLAgent$${id}`;
  const rows: SqlValue[][] = [
    [
      s.serviceName,
      2,
      'Automatic',
      running ? 4 : 1,
      running ? 'Running' : 'Stopped',
      running ? s.processId : null,
      date(s.lastStartupTime),
      s.account,
      `${root}\\sqlservr.exe" -s${id}`,
      'N',
      null,
      'N',
    ],
  ];
  if (ctx.instance.edition !== 'Express') {
    rows.push([
      `SQL Server Agent (${id})`,
      2,
      'Automatic',
      running ? 4 : 1,
      running ? 'Running' : 'Stopped',
      running ? s.processId + 1832 : null,
      date(s.lastStartupTime),
      `NT Service\\${agent}`,
      `${root}\\SQLAGENT.EXE" -i ${id}`,
      'N',
      null,
      'N',
    ]);
  }
  return { columns, rows };
}

export function sysDmExecSessions(ctx: CatalogContext): Relation {
  const columns = [
    smallint('session_id'),
    datetime('login_time'),
    nvarchar('host_name', 128),
    nvarchar('program_name', 128),
    int('host_process_id', true),
    int('client_version', true),
    nvarchar('client_interface_name', 32),
    nvarchar('login_name', 128, false),
    nvarchar('status', 30, false),
    int('cpu_time'),
    int('memory_usage'),
    datetime('last_request_start_time'),
    datetime('last_request_end_time', true),
    bigint('reads'),
    bigint('writes'),
    bit('is_user_process'),
    smallint('transaction_isolation_level'),
    bigint('row_count'),
    nvarchar('original_login_name', 128, false),
    smallint('database_id'),
    int('open_transaction_count'),
  ];
  const databaseId = (name: string): number => ctx.instance.databases[name]?.databaseId ?? 1;
  const rows: SqlValue[][] = [];
  for (const program of ctx.instance.programs) {
    const loginTime = date(program.loginTime);
    rows.push([
      program.spid,
      loginTime,
      program.hostName,
      program.programName,
      3100 + program.spid,
      7,
      '.Net SqlClient Data Provider',
      program.loginName,
      'sleeping',
      1200,
      4,
      ctx.now(),
      ctx.now(),
      5400,
      830,
      true,
      2,
      1,
      program.loginName,
      databaseId(program.database),
      0,
    ]);
  }
  for (const live of ctx.sessions()) {
    const s = live.info;
    rows.push([
      s.spid,
      live.loginTime,
      s.hostName,
      s.appName,
      null,
      7,
      s.clientLibrary,
      s.login,
      live.running ? 'running' : 'sleeping',
      0,
      2,
      live.lastRequestStart ?? live.loginTime,
      live.lastRequestEnd,
      0,
      0,
      true,
      2,
      0,
      s.login,
      databaseId(s.database),
      live.openTransactions,
    ]);
  }
  rows.sort((a, b) => (a[0] as number) - (b[0] as number));
  return { columns, rows };
}

export function sysDmExecRequests(ctx: CatalogContext): Relation {
  const columns = [
    smallint('session_id'),
    int('request_id'),
    datetime('start_time'),
    nvarchar('status', 30, false),
    nvarchar('command', 32, false),
    varbinary('sql_handle', 64),
    smallint('database_id'),
    int('user_id'),
    smallint('blocking_session_id', true),
    nvarchar('wait_type', 60),
    int('wait_time'),
    nvarchar('last_wait_type', 60, false),
    real('percent_complete'),
    bigint('estimated_completion_time'),
    int('cpu_time'),
    int('total_elapsed_time'),
    bigint('transaction_id'),
    int('open_transaction_count'),
  ];
  const now = ctx.now();
  const databaseId = (name: string): number => ctx.instance.databases[name]?.databaseId ?? 1;
  const rows: SqlValue[][] = [];
  const progress = ctx.progress();
  for (const live of ctx.sessions()) {
    if (!live.running) continue;
    const long = progress.find((p) => p.spid === live.info.spid);
    const start = long?.startTime ?? live.running.startTime;
    const command = long?.command ?? live.running.command;
    const waiting = long !== undefined;
    rows.push([
      live.info.spid,
      0,
      start,
      waiting ? 'suspended' : 'running',
      command,
      null,
      databaseId(long?.database ?? live.running.database),
      1,
      0,
      waiting ? 'BACKUPIO' : null,
      waiting ? 12 : 0,
      waiting ? 'BACKUPIO' : 'MISCELLANEOUS',
      long?.percentComplete ?? 0,
      long?.estimatedCompletionMs ?? 0,
      0,
      Math.max(0, now.getTime() - start.getTime()),
      0,
      live.openTransactions,
    ]);
  }
  rows.sort((a, b) => (a[0] as number) - (b[0] as number));
  return { columns, rows };
}

/** The instance listening at a mirroring address 'TCP://host[.domain]:port'. */
export function instanceAtAddress(lab: LabState, address: string): InstanceState | undefined {
  const match = /^TCP:\/\/\[?([^\]/:]+)\]?:(\d+)\/?$/i.exec(address.trim());
  if (!match) return undefined;
  const host = match[1]!.split('.')[0]!.toUpperCase();
  const port = Number(match[2]);
  return Object.values(lab.instances).find((instance) => instance.host.toUpperCase() === host && instance.endpoint?.port === port);
}

function stableGuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('|')).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The login a peer is known by here: the owner of the peer's certificate in master, else its service account. */
function peerLogin(instance: InstanceState, peer: InstanceState): string {
  const master = instance.databases['master'];
  const peerCertificate = peer.endpoint?.auth.find((method) => method.kind === 'CERTIFICATE');
  const peerMaster = peer.databases['master'];
  if (master && peerCertificate && peerMaster) {
    const theirs = findCertificate(peerMaster, peerCertificate.certificate);
    const mine = theirs && Object.values(master.certificates).find((certificate) => certificate.thumbprintHex === theirs.thumbprintHex);
    const user = mine && Object.values(master.users).find((candidate) => candidate.principalId === mine.principalId);
    const login = user && Object.values(instance.logins).find((candidate) => candidate.sidHex === user.loginSidHex);
    if (login) return login.name;
  }
  return peer.service.account;
}

export function sysDmDbMirroringConnections(ctx: CatalogContext): Relation {
  const columns = [
    uniqueidentifier('connection_id'),
    uniqueidentifier('transport_stream_id'),
    smallint('state', true),
    nvarchar('state_desc', 60),
    datetime('connect_time', true),
    datetime('login_time', true),
    nvarchar('authentication_method', 128),
    nvarchar('principal_name', 128),
    nvarchar('remote_user_name', 128),
    datetime('last_activity_time', true),
    bit('is_accept'),
    smallint('login_state', true),
    nvarchar('login_state_desc', 60),
    int('peer_certificate_id', true),
    smallint('encryption_algorithm', true),
    nvarchar('encryption_algorithm_desc', 60),
    smallint('receives_posted'),
    bit('is_receive_flow_controlled'),
    smallint('sends_posted'),
    bit('is_send_flow_controlled'),
    bigint('total_bytes_sent', true),
    bigint('total_bytes_received', true),
    bigint('total_fragments_sent', true),
    bigint('total_fragments_received', true),
    bigint('total_sends', true),
    bigint('total_receives', true),
    uniqueidentifier('peer_arbitration_id', true),
  ];
  const me = ctx.instance;
  const endpoint = me.endpoint;
  const fault = ctx.lab.faults[me.name];
  if (!endpoint || endpoint.state !== 'STARTED' || fault?.down || fault?.isolated) return { columns, rows: [] };
  const peers = new Map<string, InstanceState>();
  for (const database of Object.values(me.databases)) {
    const m = database.mirroring;
    if (!m?.established || m.state === 'DISCONNECTED') continue;
    for (const address of [m.partnerName, m.witnessName]) {
      const peer = address ? instanceAtAddress(ctx.lab, address) : undefined;
      const peerFault = peer ? ctx.lab.faults[peer.name] : undefined;
      if (peer && !peerFault?.down && !peerFault?.isolated) peers.set(peer.name, peer);
    }
  }
  for (const other of Object.values(ctx.lab.instances)) {
    for (const database of Object.values(other.databases)) {
      if (database.mirroring?.established && database.mirroring.witnessName && instanceAtAddress(ctx.lab, database.mirroring.witnessName) === me)
        peers.set(other.name, other);
    }
  }
  const rows: SqlValue[][] = [];
  const master = me.databases['master'];
  const now = ctx.now();
  for (const peer of peers.values()) {
    const certificate = peer.endpoint?.auth.find((method) => method.kind === 'CERTIFICATE');
    const peerMaster = peer.databases['master'];
    const theirs = certificate && peerMaster ? findCertificate(peerMaster, certificate.certificate) : undefined;
    const mine = theirs && master ? Object.values(master.certificates).find((c) => c.thumbprintHex === theirs.thumbprintHex) : undefined;
    const [algorithm, algorithmDesc] = encryptionAlgorithm(endpoint);
    const authMethod = certificate ? 'CERTIFICATE' : 'NTLM';
    const since = connectedSince(me, peer);
    const flows = traffic(me, peer, since, now);
    for (const accept of [false, true]) {
      const t = accept ? flows.inbound : flows.outbound;
      rows.push([
        stableGuid(me.name, peer.name, String(accept)),
        stableGuid(me.name, peer.name, 'stream'),
        4,
        'LOGGED_IN',
        since,
        since,
        authMethod,
        peerLogin(me, peer),
        peerLogin(me, peer),
        now,
        accept,
        12,
        'ONLINE',
        mine?.certificateId ?? null,
        algorithm,
        algorithmDesc,
        1,
        false,
        0,
        false,
        t.bytesSent,
        t.bytesReceived,
        t.sends,
        t.receives,
        t.sends,
        t.receives,
        stableGuid(peer.name, 'arbitration'),
      ]);
    }
  }
  return { columns, rows };
}

/** The shared connection came up when the first session between the two connected (the sessions
 * remember it); a witness connection, when both instances were last started. */
function connectedSince(me: InstanceState, peer: InstanceState): Date {
  const times = [me, peer]
    .flatMap((instance) => Object.values(instance.databases))
    .map((d) => d.mirroring)
    .filter((m) => m?.connectedSince && (m.partnerInstance === me.name || m.partnerInstance === peer.name))
    .map((m) => Date.parse(m!.connectedSince!));
  const started = Math.max(Date.parse(me.service.lastStartupTime), Date.parse(peer.service.lastStartupTime));
  return new Date(times.length ? Math.max(started, Math.min(...times)) : started);
}

interface Traffic {
  bytesSent: number;
  bytesReceived: number;
  sends: number;
  receives: number;
}

/** Where the documentation gives no figures, the lab's model of the traffic on one connection:
 * each direction carries a ping a second (PING_BYTES); the principal sends its log as one message
 * per mirrored transaction (the bytes the Log Bytes Sent counter counts) and the mirror answers
 * each with an acknowledgement (ACK_BYTES). Counted since the connection came up. Outbound: what
 * this instance sends as principal; inbound: what it receives as mirror. */
const PING_BYTES = 96;
const ACK_BYTES = 64;

function traffic(me: InstanceState, peer: InstanceState, since: Date, now: Date): { outbound: Traffic; inbound: Traffic } {
  const pings = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  const outbound: Traffic = { bytesSent: pings * PING_BYTES, bytesReceived: pings * PING_BYTES, sends: pings, receives: pings };
  const inbound: Traffic = { ...outbound };
  const flow = (principal: InstanceState, mirror: InstanceState, into: Traffic, asPrincipal: boolean): void => {
    for (const database of Object.values(principal.databases)) {
      const m = database.mirroring;
      if (!m || m.role !== 'PRINCIPAL' || m.partnerInstance !== mirror.name || !m.connectedSince) continue;
      const base = m.countersAtConnect ?? { bytesSent: 0, mirroredTransactions: 0 };
      const bytes = Math.max(0, (m.counters?.bytesSent ?? 0) - base.bytesSent);
      const messages = Math.max(0, (m.counters?.mirroredTransactions ?? 0) - base.mirroredTransactions);
      into.bytesSent += asPrincipal ? bytes : messages * ACK_BYTES;
      into.bytesReceived += asPrincipal ? messages * ACK_BYTES : bytes;
      into.sends += messages;
      into.receives += messages;
    }
  };
  flow(me, peer, outbound, true);
  flow(peer, me, inbound, false);
  return { outbound, inbound };
}

export function sysDatabaseMirroringWitnesses(ctx: CatalogContext): Relation {
  const columns = [
    nvarchar('database_name', 128, false),
    nvarchar('principal_server_name', 128),
    nvarchar('mirror_server_name', 128),
    smallint('safety_level'),
    nvarchar('safety_level_desc', 60),
    int('safety_sequence_number'),
    int('role_sequence_number'),
    uniqueidentifier('mirroring_guid'),
    uniqueidentifier('family_guid'),
    bit('is_suspended', true),
    int('is_suspended_sequence_number'),
    smallint('partner_sync_state', true),
    nvarchar('partner_sync_state_desc', 60),
  ];
  const rows: SqlValue[][] = [];
  for (const other of Object.values(ctx.lab.instances)) {
    if (other === ctx.instance) continue;
    for (const database of Object.values(other.databases)) {
      const m = database.mirroring;
      if (!m || m.role !== 'PRINCIPAL' || !m.witnessName || instanceAtAddress(ctx.lab, m.witnessName) !== ctx.instance) continue;
      const synchronized = m.state === 'SYNCHRONIZED';
      rows.push([
        database.name,
        other.name,
        m.partnerInstance,
        m.safety === 'OFF' ? 1 : 2,
        m.safety,
        m.safetySequence,
        m.roleSequence,
        m.guid,
        database.familyGuid,
        m.state === 'SUSPENDED',
        0,
        synchronized ? 5 : 6,
        synchronized ? 'SYNCHRONIZED' : 'UNSYNCHRONIZED',
      ]);
    }
  }
  return { columns, rows };
}
