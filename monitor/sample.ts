// One poll of the pair: every server read in parallel, each in one batch, each bounded by a deadline
// so a server that stops answering is reported (and its connection dropped) instead of hanging the
// monitor. What a server says is kept raw here; figures.ts turns two samples into rates.
import type { MirrorbookConfig, PartnerRole } from '../config/types.js';
import { partners } from '../config/types.js';
import type { PairConnections } from '../steps/connection.js';
import { databaseStateQuery, type DatabaseStateRow } from '../steps/database-state.js';
import { asDate } from '../steps/certificate-dates.js';
import { isTrue } from '../steps/step.js';
import { joinTsql, lit, tsql, type Statement } from '../steps/tsql.js';

/** Cumulative counters of the Database Mirroring performance object (rates come from two polls). */
export interface MirroringCounters {
  sendQueueKb: number | null;
  redoQueueKb: number | null;
  bytesSent: number | null;
  bytesRedone: number | null;
  transactionDelayMs: number | null;
  mirroredTransactions: number | null;
}

export interface DatabaseSample extends MirroringCounters {
  name: string;
  state: string;
  role: 'PRINCIPAL' | 'MIRROR' | null;
  mirroringState: string | null;
  safety: string | null;
  partnerInstance: string | null;
  witness: string | null;
  witnessState: string | null;
}

export interface Inventory {
  /** Certificates in master (the endpoint's own and its peers'). */
  certificates: { name: string; expiry: string }[];
  /** How far the server's clock is ahead of this machine's (ms, negative when behind): expiry is
   * judged by the server's clock. */
  clockSkewMs?: number;
  /** Server logins an application could use (not system ones). */
  logins: string[];
  /** Those of them that are disabled (is_disabled): refused at login (18456 state 7). */
  disabled: string[];
}

export interface ServerSample {
  configuredRole: PartnerRole;
  instance: string;
  address: string;
  reachable: boolean;
  error?: string;
  /** How long the server took to answer this poll's batch. */
  answerMs: number | null;
  endpointState: string | null;
  databases: DatabaseSample[];
  inventory?: Inventory;
}

export interface PairSample {
  at: string;
  servers: ServerSample[];
}

const COUNTERS = {
  'Log Send Queue KB': 'sendQueueKb',
  'Redo Queue KB': 'redoQueueKb',
  'Log Bytes Sent/sec': 'bytesSent',
  'Redo Bytes/sec': 'bytesRedone',
  'Transaction Delay': 'transactionDelayMs',
  'Mirrored Write Transactions/sec': 'mirroredTransactions',
} as const satisfies Record<string, keyof MirroringCounters>;

function pollBatch(databases: string[], inventory: boolean): Statement {
  const names = joinTsql(databases.map((d) => tsql`${lit(d)}`), ', ');
  const counters = joinTsql(Object.keys(COUNTERS).map((c) => tsql`${lit(c)}`), ', ');
  const parts = [
    databaseStateQuery(databases),
    tsql`SELECT instance_name, counter_name, cntr_value FROM sys.dm_os_performance_counters WHERE object_name LIKE ${lit('%Database Mirroring%')} AND counter_name IN (${counters}) AND instance_name IN (${names})`,
    tsql`SELECT state_desc FROM sys.database_mirroring_endpoints`,
  ];
  if (inventory) {
    // The server's clock with them: an endpoint judges its certificate by that clock, not ours.
    parts.push(tsql`SELECT name, expiry_date, SYSUTCDATETIME() AS server_now FROM master.sys.certificates WHERE name NOT LIKE ${lit('##%')}`);
    parts.push(tsql`SELECT name, is_disabled FROM sys.server_principals WHERE type IN (${lit('S')}, ${lit('U')}, ${lit('G')}) AND name NOT LIKE ${lit('##%')} AND name NOT LIKE ${lit('NT %')} AND principal_id > 1`);
  }
  return joinTsql(parts, ';\n');
}

function databaseOf(row: DatabaseStateRow | undefined, name: string, counters: Map<string, MirroringCounters>): DatabaseSample {
  const c = counters.get(name.toLowerCase()) ?? { sendQueueKb: null, redoQueueKb: null, bytesSent: null, bytesRedone: null, transactionDelayMs: null, mirroredTransactions: null };
  const role = row?.mirroring_role_desc;
  return {
    name,
    state: row?.state_desc ?? 'MISSING',
    role: role === 'PRINCIPAL' || role === 'MIRROR' ? role : null,
    mirroringState: row?.mirroring_state_desc ?? null,
    safety: row?.mirroring_safety_level_desc ?? null,
    partnerInstance: row?.mirroring_partner_instance ?? null,
    witness: row?.mirroring_witness_name || null,
    witnessState: row?.mirroring_witness_state_desc ?? null,
    ...c,
  };
}

function countersOf(rows: { instance_name: string; counter_name: string; cntr_value: number | string }[]): Map<string, MirroringCounters> {
  const found = new Map<string, MirroringCounters>();
  for (const r of rows) {
    const key = r.instance_name.trim().toLowerCase();
    const field = COUNTERS[r.counter_name.trim() as keyof typeof COUNTERS];
    if (!field) continue;
    const entry = found.get(key) ?? { sendQueueKb: null, redoQueueKb: null, bytesSent: null, bytesRedone: null, transactionDelayMs: null, mirroredTransactions: null };
    entry[field] = Number(r.cntr_value);
    found.set(key, entry);
  }
  return found;
}

function skewOf(certificates: Record<string, unknown>[]): { clockSkewMs?: number } {
  const serverNow = asDate(certificates[0]?.server_now);
  return serverNow ? { clockSkewMs: serverNow.getTime() - Date.now() } : {};
}

class NoAnswer extends Error {}

export interface SampleOptions {
  /** A server that has not answered by then is reported unreachable and its connection dropped. */
  deadlineMs: number;
  inventory: boolean;
  signal?: AbortSignal;
}

export async function readSample(config: MirrorbookConfig, connections: PairConnections, options: SampleOptions): Promise<PairSample> {
  const at = new Date().toISOString();
  const servers = await Promise.all(partners(config).map((server) => readServer(config, connections, server.role, options)));
  return { at, servers };
}

async function readServer(config: MirrorbookConfig, connections: PairConnections, role: PartnerRole, options: SampleOptions): Promise<ServerSample> {
  const server = connections.server(role);
  const base = { configuredRole: role, instance: server.instance, address: `${server.server}:${server.port}` };
  const witness = role === 'witness';
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onStop = () => abort.abort();
  options.signal?.addEventListener('abort', onStop, { once: true });
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => (abort.abort(), reject(new NoAnswer(`no answer within ${Math.round(options.deadlineMs)} ms`))), options.deadlineMs);
    });
    const batch = pollBatch(witness ? config.databases.slice(0, 1) : config.databases, options.inventory && !witness);
    // The answer time is the batch's alone: a (re)connect's login and TLS handshake is not slowness.
    await Promise.race([connections.pool(role), deadline]);
    const asked = performance.now();
    const result = await Promise.race([connections.query(role, batch, abort.signal), deadline]);
    const answerMs = Math.round(performance.now() - asked);
    const [states = [], counters = [], endpoints = [], certificates, logins] = result.recordsets;
    const rows = states as unknown as DatabaseStateRow[];
    const byName = countersOf(counters as never);
    const databases = witness ? [] : config.databases.map((name) => databaseOf(rows.find((r) => r.name.toLowerCase() === name.toLowerCase()), name, byName));
    const inventory: Inventory | undefined = certificates && logins
      ? {
          certificates: certificates.map((c) => ({ name: String(c.name), expiry: asDate(c.expiry_date)?.toISOString() ?? '' })).filter((c) => c.expiry !== ''),
          ...skewOf(certificates),
          logins: logins.map((l) => String(l.name)).sort(),
          disabled: logins.filter((l) => isTrue(l.is_disabled)).map((l) => String(l.name)).sort(),
        }
      : undefined;
    return { ...base, reachable: true, answerMs, endpointState: (endpoints[0]?.state_desc as string | undefined) ?? null, databases, ...(inventory ? { inventory } : {}) };
  } catch (error) {
    if (error instanceof NoAnswer) connections.reset(role);
    return { ...base, reachable: false, error: (error as Error).message, answerMs: null, endpointState: null, databases: [] };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onStop);
  }
}
