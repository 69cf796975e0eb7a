// Application locks (sp_getapplock, sp_releaseapplock, APPLOCK_MODE) as SQL Server documents them:
// https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-getapplock-transact-sql
//  - a lock is identified by the current database, @DbPrincipal (default public) and @Resource,
//    nvarchar(255) (longer names are truncated), compared binary (case-sensitive);
//  - @LockMode Shared | Update | IntentShared | IntentExclusive | Exclusive, compatible as the lock
//    manager's modes are; @LockOwner Transaction (default; needs an open transaction) | Session;
//  - @LockTimeout in ms, default @@LOCK_TIMEOUT (-1: wait for ever), 0: do not wait;
//  - return codes: 0 granted at once, 1 granted after waiting, -1 timed out, -2 cancelled,
//    -3 deadlock victim (the lab never picks one), -999 parameter validation or other call error;
//  - session locks are released when the session logs off, transaction locks at its end.
// sp_releaseapplock returns 0, or -999 (with Msg 1223) for a lock the caller does not hold.
// https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/sp-releaseapplock-transact-sql
// https://learn.microsoft.com/sql/t-sql/functions/applock-mode-transact-sql

export type AppLockMode = 'Shared' | 'Update' | 'IntentShared' | 'IntentExclusive' | 'Exclusive';
export type AppLockOwner = 'Session' | 'Transaction';

const MODES: readonly AppLockMode[] = ['Shared', 'Update', 'IntentShared', 'IntentExclusive', 'Exclusive'];
const COMPATIBLE: Record<AppLockMode, readonly AppLockMode[]> = {
  IntentShared: ['IntentShared', 'IntentExclusive', 'Shared', 'Update'],
  IntentExclusive: ['IntentShared', 'IntentExclusive'],
  Shared: ['IntentShared', 'Shared', 'Update'],
  Update: ['IntentShared', 'Shared'],
  Exclusive: [],
};
export const RESOURCE_MAX = 255;

interface Grant {
  spid: number;
  owner: AppLockOwner;
  mode: AppLockMode;
  /** A lock requested again by its holder is counted; each release takes one off. */
  count: number;
}

/** instance → lock key → grants. Runtime state: locks do not survive a restart of the instance. */
const byInstance = new Map<string, Map<string, Grant[]>>();

function locksOf(instance: string): Map<string, Grant[]> {
  const key = instance.toUpperCase();
  let locks = byInstance.get(key);
  if (!locks) byInstance.set(key, (locks = new Map()));
  return locks;
}

export interface AppLockRequest {
  instance: string;
  spid: number;
  database: string;
  principal: string;
  resource: string;
  mode: AppLockMode;
  owner: AppLockOwner;
}

const lockKey = (r: Pick<AppLockRequest, 'database' | 'principal' | 'resource'>): string =>
  `${r.database.toLowerCase()}\u0000${r.principal.toLowerCase()}\u0000${r.resource.slice(0, RESOURCE_MAX)}`;

export function parseMode(value: string | null): AppLockMode | undefined {
  return MODES.find((m) => m.toLowerCase() === value?.toLowerCase());
}

export function parseOwner(value: string | null): AppLockOwner | undefined {
  if (value === null) return 'Transaction';
  return (['Session', 'Transaction'] as const).find((o) => o.toLowerCase() === value.toLowerCase());
}

/** Grants the lock when every other holder's mode is compatible; false when it must wait. */
export function tryAcquire(r: AppLockRequest): boolean {
  const locks = locksOf(r.instance);
  const key = lockKey(r);
  const grants = locks.get(key) ?? [];
  const mine = grants.find((g) => g.spid === r.spid && g.owner === r.owner && g.mode === r.mode);
  if (!grants.every((g) => g.spid === r.spid || COMPATIBLE[g.mode].includes(r.mode))) return false;
  if (mine) mine.count++;
  else grants.push({ spid: r.spid, owner: r.owner, mode: r.mode, count: 1 });
  locks.set(key, grants);
  return true;
}

/** Releases one hold of the caller's lock; false when it holds none. */
export function release(r: Omit<AppLockRequest, 'mode'>): boolean {
  const locks = locksOf(r.instance);
  const key = lockKey(r);
  const grants = locks.get(key) ?? [];
  const mine = grants.find((g) => g.spid === r.spid && g.owner === r.owner);
  if (!mine) return false;
  if (--mine.count === 0) grants.splice(grants.indexOf(mine), 1);
  if (grants.length === 0) locks.delete(key);
  return true;
}

/** APPLOCK_MODE: the mode the session holds, 'NoLock' when none. */
export function heldMode(r: Omit<AppLockRequest, 'mode'>): AppLockMode | 'NoLock' {
  return (
    locksOf(r.instance)
      .get(lockKey(r))
      ?.find((g) => g.spid === r.spid && g.owner === r.owner)?.mode ?? 'NoLock'
  );
}

/** The session logged off: its session locks go (and its transaction's, which ended with it). */
export function releaseSession(instance: string, spid: number, owner?: AppLockOwner): void {
  const locks = locksOf(instance);
  for (const [key, grants] of locks) {
    const kept = grants.filter((g) => g.spid !== spid || (owner !== undefined && g.owner !== owner));
    if (kept.length === 0) locks.delete(key);
    else locks.set(key, kept);
  }
}
