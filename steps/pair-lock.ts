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
import { oneLoginPool } from './one-login-pool.js';

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

/** The pair's lock as a run holds it: on every partner that answered when the run started (an
 * unreachable one is skipped: promote after losing the principal), and on the others once they do. */
export interface HeldPairLock {
  /** Before each change: the lock is still this run's on every partner it was taken on. A lock
   * whose connection dropped is taken again on a new one (returned: where); throws PairLocked when
   * another run took it meanwhile, PairLockLost when that partner cannot be reached again. */
  ensure(): Promise<string[]>;
  /** Before a change goes to `role`: a partner that did not answer when the run started (promote
   * with the principal gone, disable with a partner lost) is locked now, the first time a change is
   * bound for it; returns its instance then. Throws PairLocked (with a hint) when another run took
   * the pair there meanwhile, PairLockLost when it does not answer. */
  holdOn(role: PartnerRole): Promise<string | undefined>;
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
export function parseHolder(
  row: { program_name: string | null; host_name: string | null; login_time: Date | string },
  instance: string,
): PairLockHolder | undefined {
  const m = /^mirrorbook lock (\S+) (\S+) (\S+) pid (\d+) (.*)$/.exec(row.program_name ?? '');
  if (!m) return undefined;
  const since = row.login_time instanceof Date ? row.login_time.toISOString() : String(row.login_time);
  return { pairKey: m[1]!, runId: m[2]!, procedure: m[3]!, pid: Number(m[4]), owner: m[5]!, host: row.host_name ?? '?', instance, since };
}

/** Who holds a pair's lock on one partner: the sessions whose program name carries a record — not
 * the asking one (a run refused carries its own record on the connection that asked). */
export const pairLockHoldersQuery = tsql`SELECT program_name, host_name, login_time FROM sys.dm_exec_sessions WHERE program_name LIKE ${lit(`${PROGRAM_PREFIX}%`)} AND session_id <> @@SPID`;
const getLock = (pairKey: string) =>
  tsql`DECLARE @r int; EXEC @r = sp_getapplock @Resource = ${lit(lockResource(pairKey))}, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT @r AS r, @@SERVERNAME AS server_name`;
const holdsLock = (pairKey: string) => tsql`SELECT APPLOCK_MODE('public', ${lit(lockResource(pairKey))}, 'Session') AS mode`;
const releaseLock = (pairKey: string) => tsql`EXEC sp_releaseapplock @Resource = ${lit(lockResource(pairKey))}, @LockOwner = 'Session'`;

export class PairLocked extends Error {
  override readonly name = 'PairLocked';
  /** Set when the run already holds the pair elsewhere (a partner that came back mid-run). */
  hint?: string;
  constructor(
    readonly holder: PairLockHolder | undefined,
    readonly instance: string,
    readonly pairKey: string,
  ) {
    super(
      holder
        ? `pair ${pairKey} is locked on ${instance} by another run: ${holder.owner} on ${holder.host} (pid ${holder.pid}), running '${holder.procedure}' as run ${holder.runId} since ${holder.since}`
        : `pair ${pairKey} is locked on ${instance} by another session (sp_getapplock on ${lockResource(pairKey)})`,
    );
  }
}

/** The connection that held the pair's lock on a partner dropped and the partner does not answer
 * again: the run sends no further change until it does. */
export class PairLockLost extends Error {
  override readonly name = 'PairLockLost';
  readonly hint: string;
  constructor(
    readonly instance: string,
    cause: Error,
    neverHeld = false,
  ) {
    super(
      neverHeld
        ? `${instance} did not answer when the run started, so the run does not hold the pair's lock there, and it cannot be reached to take it: ${cause.message}`
        : `the connection holding the pair's lock on ${instance} dropped and ${instance} cannot be reached again: ${cause.message}`,
    );
    this.hint = `no change was sent to ${instance}; once it answers ('mirrorbook status' shows it), retry or resume: the lock is taken there first`;
  }
}

async function openLockConnection(config: MirrorbookConfig, role: PartnerRole, record: PairLockRecord): Promise<ConnectionPool> {
  const server = config.pair[role]!;
  const base = poolConfig(server, {});
  const mssql = (await import('mssql')).default;
  // One connection that stays: the lock belongs to it. min = max = 1 keeps it from being reaped.
  const pool = oneLoginPool(mssql, {
    ...base,
    pool: { max: 1, min: 1, idleTimeoutMillis: 2 ** 31 - 1 },
    options: { ...base.options, appName: programName(pairName(config), record), workstationId: record.host },
  });
  pool.on('error', () => {});
  try {
    await pool.connect();
  } catch (error) {
    const refused = (error as { code?: unknown }).code === 'ELOGIN';
    throw new ConnectionError(
      `cannot connect to the ${role} ${server.instance} at ${server.server}:${server.port} to lock the pair: ${(error as Error).message}`,
      role,
      `check that ${server.instance} is running and reachable on port ${server.port}`,
      !refused,
    );
  }
  return pool;
}

/** Opens a connection of its own to one partner and takes the lock on it, or refuses. */
async function lockOn(
  config: MirrorbookConfig,
  role: PartnerRole,
  record: PairLockRecord,
): Promise<{ role: PartnerRole; instance: string; pool: ConnectionPool }> {
  const pairKey = pairName(config);
  const server = config.pair[role]!;
  const pool = await openLockConnection(config, role, record);
  try {
    const result = await pool.request().query<{ r: number; server_name: string }>(getLock(pairKey).reveal());
    const row = result.recordset[0];
    if ((row?.server_name ?? '').toUpperCase() !== server.instance.toUpperCase()) {
      throw new WrongServerError(role, server.instance, row?.server_name ?? '(NULL)', `${server.server}:${server.port}`);
    }
    if ((row?.r ?? -999) < 0) {
      const sessions = await pool.request().query<{ program_name: string | null; host_name: string | null; login_time: Date }>(pairLockHoldersQuery.reveal());
      const holder = sessions.recordset.map((s) => parseHolder(s, row!.server_name)).find((h) => h?.pairKey === pairKey && h.runId !== record.runId);
      throw new PairLocked(holder, row!.server_name, pairKey);
    }
    return { role, instance: row!.server_name, pool };
  } catch (error) {
    await pool.close().catch(() => {});
    throw error;
  }
}

/** Takes the pair's lock on every partner that answers; refuses (PairLocked) when any one holds it for another run. */
export async function takePairLock(config: MirrorbookConfig, record: PairLockRecord): Promise<HeldPairLock> {
  const pairKey = pairName(config);
  const held: { role: PartnerRole; instance: string; pool: ConnectionPool }[] = [];
  const release = async (): Promise<void> => {
    // Closing the connection releases its session lock; sp_releaseapplock first says so in the log.
    await Promise.allSettled(
      held.map(async ({ pool }) => {
        await pool
          .request()
          .query(releaseLock(pairKey).reveal())
          .catch(() => {});
        await pool.close();
      }),
    );
  };
  try {
    for (const role of ['principal', 'mirror'] as const) {
      try {
        held.push(await lockOn(config, role, record));
      } catch (error) {
        if (error instanceof ConnectionError && error.unreachable) continue;
        throw error;
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  const ensure = async (): Promise<string[]> => {
    const retaken: string[] = [];
    for (const [index, entry] of held.entries()) {
      // A dropped connection either fails this read or is replaced by the pool with a new session,
      // which holds nothing: both mean the lock went with the old one.
      const mode = await entry.pool
        .request()
        .query<{ mode: string }>(holdsLock(pairKey).reveal())
        .then(
          (r) => r.recordset[0]?.mode,
          () => undefined,
        );
      if (mode === 'Exclusive') continue;
      await entry.pool.close().catch(() => {});
      try {
        held[index] = await lockOn(config, entry.role, record);
      } catch (error) {
        if (error instanceof ConnectionError && error.unreachable) throw new PairLockLost(entry.instance, error);
        throw error;
      }
      retaken.push(entry.instance);
    }
    return retaken;
  };
  const holdOn = async (role: PartnerRole): Promise<string | undefined> => {
    if (held.some((h) => h.role === role)) return undefined;
    try {
      const entry = await lockOn(config, role, record);
      held.push(entry);
      return entry.instance;
    } catch (error) {
      if (error instanceof ConnectionError && error.unreachable) throw new PairLockLost(config.pair[role]!.instance, error, true);
      if (error instanceof PairLocked) {
        error.hint = `this run holds the pair on ${held.map((h) => h.instance).join(', ') || 'no partner'} but another run took it on ${error.instance} while it was away: nothing was sent to ${error.instance}; stop this run (abort) and let that one finish, or retry once it has`;
      }
      throw error;
    }
  };
  return { ensure, holdOn, release };
}
