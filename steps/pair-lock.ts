// One run per pair, held where the pair is: an Exclusive application lock (sp_getapplock,
// @LockOwner = 'Session') in master on every reachable partner, each on a connection of its own
// kept open for the whole run. Session-owned means SQL Server releases it when that connection
// ends — a killed process, a closed laptop or a dropped network leave no stale lock behind. The
// holder's record (operator, host, pid, run, procedure) rides in the connection's program name, so
// sys.dm_exec_sessions shows it to `status` and to the run that is refused (login_time: since).
// https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-getapplock-transact-sql
import type { ConnectionPool } from 'mssql';
import type { MirrorbookConfig, PartnerRole } from '../config/types.js';
import { pairName } from '../config/types.js';
import { poolConfig, ConnectionError, WrongServerError } from './connection.js';
import { lit, tsql } from './tsql.js';

export interface PairLockRecord {
  owner: string;
  host: string;
  pid: number;
  runId: string;
  procedure: string;
}

export interface PairLockHolder extends PairLockRecord {
  pairKey: string;
  instance: string;
  since: string;
}

export interface HeldPairLock {
  /** The partners the lock is held on (an unreachable one is skipped: promote after losing the principal). */
  instances: string[];
  release(): Promise<void>;
}

const PROGRAM_PREFIX = 'mirrorbook lock ';
/** program_name is nvarchar(128). */
const PROGRAM_MAX = 128;

export const lockResource = (pairKey: string): string => `mirrorbook:pair:${pairKey}`;

function programName(pairKey: string, r: PairLockRecord): string {
  return `${PROGRAM_PREFIX}${pairKey} ${r.runId} ${r.procedure} pid ${r.pid} ${r.owner}`.slice(0, PROGRAM_MAX);
}

/** The holder's record from a session's program name, or undefined for another program. */
export function parseHolder(row: { program_name: string | null; host_name: string | null; login_time: Date | string }, instance: string): PairLockHolder | undefined {
  const m = /^mirrorbook lock (\S+) (\S+) (\S+) pid (\d+) (.*)$/.exec(row.program_name ?? '');
  if (!m) return undefined;
  const since = row.login_time instanceof Date ? row.login_time.toISOString() : String(row.login_time);
  return { pairKey: m[1]!, runId: m[2]!, procedure: m[3]!, pid: Number(m[4]), owner: m[5]!, host: row.host_name ?? '?', instance, since };
}

/** Who holds a pair's lock on one partner: the sessions whose program name carries a record. */
export const pairLockHoldersQuery = tsql`SELECT program_name, host_name, login_time FROM sys.dm_exec_sessions WHERE program_name LIKE ${lit(`${PROGRAM_PREFIX}%`)}`;
const getLock = (pairKey: string) => tsql`DECLARE @r int; EXEC @r = sp_getapplock @Resource = ${lit(lockResource(pairKey))}, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT @r AS r, @@SERVERNAME AS server_name`;
const releaseLock = (pairKey: string) => tsql`EXEC sp_releaseapplock @Resource = ${lit(lockResource(pairKey))}, @LockOwner = 'Session'`;

export class PairLocked extends Error {
  override readonly name = 'PairLocked';
  constructor(readonly holder: PairLockHolder | undefined, readonly instance: string, readonly pairKey: string) {
    super(holder
      ? `pair ${pairKey} is locked on ${instance} by another run: ${holder.owner} on ${holder.host} (pid ${holder.pid}), running '${holder.procedure}' as run ${holder.runId} since ${holder.since}`
      : `pair ${pairKey} is locked on ${instance} by another session (sp_getapplock on ${lockResource(pairKey)})`);
  }
}

async function openLockConnection(config: MirrorbookConfig, role: PartnerRole, record: PairLockRecord): Promise<ConnectionPool> {
  const server = config.pair[role]!;
  const base = poolConfig(server, {});
  const mssql = (await import('mssql')).default;
  // One connection that stays: the lock belongs to it. min = max = 1 keeps it from being reaped.
  const pool = new mssql.ConnectionPool({ ...base, pool: { max: 1, min: 1, idleTimeoutMillis: 2 ** 31 - 1 }, options: { ...base.options, appName: programName(pairName(config), record), workstationId: record.host } });
  pool.on('error', () => {});
  try {
    await pool.connect();
  } catch (error) {
    const refused = (error as { code?: unknown }).code === 'ELOGIN';
    throw new ConnectionError(`cannot connect to the ${role} ${server.instance} at ${server.server}:${server.port} to lock the pair: ${(error as Error).message}`, role, `check that ${server.instance} is running and reachable on port ${server.port}`, !refused);
  }
  return pool;
}

/** Takes the pair's lock on every partner that answers; refuses (PairLocked) when any one holds it for another run. */
export async function takePairLock(config: MirrorbookConfig, record: PairLockRecord): Promise<HeldPairLock> {
  const pairKey = pairName(config);
  const held: { instance: string; pool: ConnectionPool }[] = [];
  const release = async (): Promise<void> => {
    // Closing the connection releases its session lock; sp_releaseapplock first says so in the log.
    await Promise.allSettled(held.map(async ({ pool }) => {
      await pool.request().query(releaseLock(pairKey).reveal()).catch(() => {});
      await pool.close();
    }));
  };
  try {
    for (const role of ['principal', 'mirror'] as const) {
      const server = config.pair[role];
      let pool: ConnectionPool;
      try {
        pool = await openLockConnection(config, role, record);
      } catch (error) {
        if (error instanceof ConnectionError && error.unreachable) continue;
        throw error;
      }
      const result = await pool.request().query<{ r: number; server_name: string }>(getLock(pairKey).reveal());
      const row = result.recordset[0];
      if ((row?.server_name ?? '').toUpperCase() !== server.instance.toUpperCase()) {
        await pool.close();
        throw new WrongServerError(role, server.instance, row?.server_name ?? '(NULL)', `${server.server}:${server.port}`);
      }
      if ((row?.r ?? -999) < 0) {
        const sessions = await pool.request().query<{ program_name: string | null; host_name: string | null; login_time: Date }>(pairLockHoldersQuery.reveal());
        await pool.close();
        const holder = sessions.recordset.map((s) => parseHolder(s, row!.server_name)).find((h) => h?.pairKey === pairKey);
        throw new PairLocked(holder, row!.server_name, pairKey);
      }
      held.push({ instance: row!.server_name, pool });
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { instances: held.map((h) => h.instance), release };
}
