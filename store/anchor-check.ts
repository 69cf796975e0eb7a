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
import type { AnchorRecord } from './audit-ties.js';
import type { Finding, RunAnchor } from './types.js';

export function anchorFindings(db: Database.Database, anchors: readonly RunAnchor[], readOn: readonly string[] = []): { findings: Finding[]; notes: string[] } {
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
      findings.push({
        problem: 'anchor',
        runId: a.runId,
        detail: `${what} was written by store ${a.storeId} on ${a.storeHost}, yet this store (${ours}) holds the run: the store's id was changed`,
      });
    } else if (!runExists.get(a.runId)) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what}: the store has no such run` });
    } else if (headSeq < a.headSeq) {
      findings.push({
        problem: 'anchor',
        runId: a.runId,
        detail: `${what} records the audit head at seq ${a.headSeq}, but the store ends at seq ${headSeq}: the store is older than the servers' last anchor (an older copy put back?)`,
      });
    } else if (hashAt.get(a.headSeq) !== a.headHash) {
      findings.push({
        problem: 'anchor',
        runId: a.runId,
        detail: `${what} records record ${a.headSeq} as ${a.headHash}; the store's record ${a.headSeq} is not that one: the chain was rewritten`,
      });
    }
  }
  const missing = missingAnchors(db, anchors, readOn);
  findings.push(...missing.findings);
  const notes = [
    ...missing.notes,
    ...[...others].map(([id, o]) => {
      const runs = [...o.runs];
      return `${[...o.servers].join(', ')} ${o.servers.size === 1 ? 'holds' : 'hold'} ${runs.length} run anchor${runs.length === 1 ? '' : 's'} of another store (id ${id}, host ${o.host}), not this store's to account for: ${runs.slice(0, 5).join(', ')}${runs.length > 5 ? ` and ${runs.length - 5} more` : ''}`;
    }),
  ];
  return { findings, notes };
}

/** Per run and server, what the store's own records say of the run there. */
const RUNS_ON_SERVERS = `SELECT a.run_id AS runId, r.status, a.server,
    max(a.kind = 'statement' AND (a.result = 'ok' OR (a.result = 'error' AND a.error_number IS NOT NULL))) AS reached,
    max(a.kind = 'intent') AS changed,
    max(CASE WHEN a.kind = 'anchor' AND a.result = 'written' THEN a.seq END) AS writtenSeq,
    max(CASE WHEN a.kind = 'anchor' AND a.result <> 'written' THEN a.message END) AS notWritten,
    (SELECT min(seq) FROM audit s WHERE s.run_id = a.run_id AND s.kind = 'run-start') AS startSeq
  FROM audit a JOIN runs r ON r.id = a.run_id
  WHERE a.kind IN ('statement', 'intent', 'anchor') AND a.server IS NOT NULL
  GROUP BY a.run_id, a.server`;

/** The anchors tables dropped on purpose (run cleanup --drop-anchors, confirmed): where, and when. */
const ANCHORS_DROPPED = `SELECT server, max(seq) AS seq FROM audit
  WHERE kind = 'outcome' AND result = 'ok' AND step_id LIKE 'cleanup.%.run-anchors' AND server IS NOT NULL GROUP BY server`;

interface RunOnServer {
  runId: string;
  status: string;
  server: string;
  reached: number;
  changed: number;
  writtenSeq: number | null;
  notWritten: string | null;
  startSeq: number | null;
}

/** Every run of this store that reached a server whose anchors were read, with no anchor there.
 * As an auditor weighs it: an anchor the store wrote that the server no longer holds is evidence
 * removed; a finished (done) run that changed the server and never got its anchor there leaves
 * that change unrecorded outside the file (`resume` of the run writes it) — both exit 1. A run
 * still running, interrupted or failed is anchored when it ends, and a run that only read the
 * server, one older than this store's first anchor, or one whose anchors a confirmed
 * `cleanup --drop-anchors` removed, is a note. */
function missingAnchors(db: Database.Database, anchors: readonly RunAnchor[], readOn: readonly string[]): { findings: Finding[]; notes: string[] } {
  const findings: Finding[] = [];
  const notes: string[] = [];
  if (readOn.length === 0) return { findings, notes };
  const key = (server: string) => server.toUpperCase();
  const read = new Set(readOn.map(key));
  const held = new Set(anchors.map((a) => `${a.runId}\n${key(a.server)}`));
  const dropped = new Map((db.prepare(ANCHORS_DROPPED).all() as { server: string; seq: number }[]).map((d) => [key(d.server), d.seq]));
  const firstAnchor = (db.prepare("SELECT min(seq) FROM audit WHERE kind = 'anchor'").pluck().get() as number | null) ?? Infinity;
  for (const r of db.prepare(RUNS_ON_SERVERS).all() as RunOnServer[]) {
    if (!r.reached || !read.has(key(r.server)) || held.has(`${r.runId}\n${key(r.server)}`)) continue;
    const run = `run ${r.runId} (${r.status})`;
    const droppedAt = dropped.get(key(r.server));
    if (r.writtenSeq !== null && droppedAt !== undefined && droppedAt > r.writtenSeq) {
      notes.push(`${run}: its anchor on ${r.server} went with the anchors table, dropped on purpose by \`run cleanup --drop-anchors\` (record ${droppedAt})`);
    } else if (r.writtenSeq !== null) {
      findings.push({
        problem: 'anchor',
        runId: r.runId,
        detail: `${run}: the anchor the store recorded writing on ${r.server} (record ${r.writtenSeq}) is gone from ${r.server}: the server's record of the run was removed`,
      });
    } else if ((r.startSeq ?? 0) < firstAnchor) {
      notes.push(`${run} has no anchor on ${r.server}: it ran before this store anchored runs`);
    } else if (r.status !== 'done') {
      notes.push(`${run} has no anchor on ${r.server} yet: a run is anchored when it ends, \`mirrorbook resume ${r.runId}\` ends it`);
    } else if (!r.changed) {
      notes.push(`${run} read ${r.server} but left no anchor there${r.notWritten ? ` (${r.notWritten})` : ''}; \`mirrorbook resume ${r.runId}\` writes it`);
    } else {
      const why = r.notWritten ?? 'its process ended before it anchored the run';
      findings.push({
        problem: 'anchor',
        runId: r.runId,
        detail: `${run} changed ${r.server}, which holds no anchor of it: ${why}; \`mirrorbook resume ${r.runId}\` writes it`,
      });
    }
  }
  return { findings, notes };
}

/** The id in store_identity must be the one this store's own (hashed) anchor records name:
 * `namingOther` gives the first anchor record of the verified chain that names another (store/audit-ties.ts). */
export function storeIdFindings(db: Database.Database, namingOther: (storeId: string) => AnchorRecord | undefined): Finding[] {
  const ours = storeIdOf(db);
  if (ours === null) return [];
  const other = namingOther(ours);
  if (!other) return [];
  return [
    {
      problem: 'anchor',
      ...(other.runId ? { runId: other.runId } : {}),
      detail: `record ${other.seq} anchored its run as store ${other.storeId}, but the store now calls itself ${ours}: its id was changed`,
    },
  ];
}
