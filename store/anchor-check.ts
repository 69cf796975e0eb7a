// Cross-checks the anchors the servers hold (steps/run-anchor.ts) with the store: a run a server
// recorded that the store lacks, a head the store no longer reaches (the chain was rewritten), a
// store older than the servers' last anchor (an older copy put back) — each named with its run.
// Only this store's anchors (its id, store/store-identity.ts; or none, written before ids) are held
// to it: another store's on the same pair (another host, another config directory) are listed as
// a note naming that store and its host — unless this store holds the run, which only a changed id
// explains. The store's id is itself tied to the chain: each anchor record it wrote names it.
import type Database from 'better-sqlite3';
import { readHead } from './audit-verify.js';
import { storeIdOf } from './store-identity.js';
import type { Finding, RunAnchor } from './types.js';

export function anchorFindings(db: Database.Database, anchors: readonly RunAnchor[]): { findings: Finding[]; notes: string[] } {
  const head = readHead(db) ?? undefined;
  const headSeq = head?.seq ?? 0;
  const ours = storeIdOf(db);
  const runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck();
  const hashAt = db.prepare('SELECT hash FROM audit WHERE seq = ?').pluck();
  const findings: Finding[] = [];
  const others = new Map<string, { host: string; servers: Set<string>; runs: Set<string> }>();
  for (const a of anchors) {
    const what = `${a.server}'s anchor of run ${a.runId} (${a.procedure} by ${a.operator}, ${a.outcome}${a.endedAt ? ` at ${a.endedAt}` : ''})`;
    const foreign = ours !== null && a.storeId !== null && a.storeId !== ours;
    if (foreign && !runExists.get(a.runId)) {
      const other = others.get(a.storeId!) ?? { host: a.storeHost, servers: new Set<string>(), runs: new Set<string>() };
      other.servers.add(a.server);
      other.runs.add(a.runId);
      others.set(a.storeId!, other);
    } else if (foreign) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what} was written by store ${a.storeId} on ${a.storeHost}, yet this store (${ours}) holds the run: the store's id was changed` });
    } else if (!runExists.get(a.runId)) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what}: the store has no such run` });
    } else if (headSeq < a.headSeq) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what} records the audit head at seq ${a.headSeq}, but the store ends at seq ${headSeq}: the store is older than the servers' last anchor (an older copy put back?)` });
    } else if (hashAt.get(a.headSeq) !== a.headHash) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what} records record ${a.headSeq} as ${a.headHash}; the store's record ${a.headSeq} is not that one: the chain was rewritten` });
    }
  }
  const notes = [...others].map(([id, o]) => {
    const runs = [...o.runs];
    return `${[...o.servers].join(', ')} ${o.servers.size === 1 ? 'holds' : 'hold'} ${runs.length} run anchor${runs.length === 1 ? '' : 's'} of another store (id ${id}, host ${o.host}), not this store's to account for: ${runs.slice(0, 5).join(', ')}${runs.length > 5 ? ` and ${runs.length - 5} more` : ''}`;
  });
  return { findings, notes };
}

/** The id in store_identity must be the one this store's own (hashed) anchor records name. */
export function storeIdFindings(db: Database.Database): Finding[] {
  const ours = storeIdOf(db);
  if (ours === null) return [];
  const other = db.prepare(`SELECT seq, run_id AS runId, json_extract(data, '$.storeId') AS id FROM audit
    WHERE kind = 'anchor' AND json_valid(data) AND json_extract(data, '$.storeId') IS NOT NULL AND json_extract(data, '$.storeId') <> ? LIMIT 1`).get(ours) as { seq: number; runId: string | null; id: string } | undefined;
  if (!other) return [];
  return [{ problem: 'anchor', ...(other.runId ? { runId: other.runId } : {}), detail: `record ${other.seq} anchored its run as store ${other.id}, but the store now calls itself ${ours}: its id was changed` }];
}
