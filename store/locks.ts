// One run per mirroring pair. A lock is stale only when we can prove it: same host and its pid
// is gone. A lock held from another host is reported, never assumed dead.
import type Database from 'better-sqlite3';
import { nowIso } from './clock.js';
import { processAlive } from './process-alive.js';
import { currentHost } from './who.js';
import type { LockInfo, Store } from './types.js';

interface LockRow {
  pair_key: string;
  run_id: string;
  procedure: string;
  owner: string;
  host: string;
  pid: number;
  acquired_at: string;
}

function lockInfoOf(row: LockRow): LockInfo {
  return { pairKey: row.pair_key, runId: row.run_id, procedure: row.procedure, owner: row.owner, host: row.host, pid: row.pid, acquiredAt: row.acquired_at };
}

export function isStale(lock: LockInfo, host = currentHost()): boolean {
  return lock.host === host && !processAlive(lock.pid);
}

export function createLocks(db: Database.Database, audit: Store['audit']): Store['locks'] {
  const byPair = db.prepare('SELECT * FROM locks WHERE pair_key = ?');
  const insert = db.prepare('INSERT INTO locks (pair_key, run_id, procedure, owner, host, pid, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const takeOver = db.prepare('UPDATE locks SET owner = ?, host = ?, pid = ?, acquired_at = ? WHERE pair_key = ? AND run_id = ?');
  const remove = db.prepare('DELETE FROM locks WHERE pair_key = ? AND run_id = ?');

  const get = (pairKey: string): LockInfo | undefined => {
    const row = byPair.get(pairKey) as LockRow | undefined;
    return row && lockInfoOf(row);
  };

  const acquire = db.transaction((l: Parameters<Store['locks']['acquire']>[0]) => {
    const holder = get(l.pairKey);
    if (!holder) {
      insert.run(l.pairKey, l.runId, l.procedure, l.owner, l.host, l.pid, nowIso());
      return { ok: true } as const;
    }
    const stale = isStale(holder);
    const sameProcess = holder.host === l.host && holder.pid === l.pid;
    // Resuming the very run whose process died: the lock is ours to take back, on the record.
    if (holder.runId === l.runId && (sameProcess || stale)) {
      takeOver.run(l.owner, l.host, l.pid, nowIso(), l.pairKey, l.runId);
      if (!sameProcess) {
        audit.append({
          kind: 'note',
          runId: l.runId,
          operator: l.owner,
          host: l.host,
          message: `lock on ${l.pairKey} taken back from dead process ${holder.pid} on ${holder.host}`,
          data: { previous: holder },
        });
      }
      return { ok: true } as const;
    }
    return { ok: false, holder, stale } as const;
  });

  const forceUnlock = db.transaction((pairKey: string, by: Parameters<Store['locks']['forceUnlock']>[1]) => {
    const holder = get(pairKey);
    if (!holder) return undefined;
    const stale = isStale(holder);
    remove.run(pairKey, holder.runId);
    audit.append({
      kind: 'unlock',
      runId: null,
      operator: by.operator,
      osUser: by.osUser,
      host: by.host,
      message: by.reason ?? null,
      result: stale ? 'stale' : 'forced',
      data: { pairKey, holder },
    });
    return holder;
  });

  return {
    acquire: (l) => acquire.immediate(l),
    release: (pairKey, runId) => void remove.run(pairKey, runId),
    get(pairKey) {
      const lock = get(pairKey);
      return lock && { ...lock, stale: isStale(lock) };
    },
    forceUnlock: (pairKey, by) => forceUnlock.immediate(pairKey, by),
  };
}
