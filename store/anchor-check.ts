// Cross-checks the anchors the servers hold (steps/run-anchor.ts) with the store: a run a server
// recorded that the store lacks, a head the store no longer reaches (the chain was rewritten), a
// store older than the servers' last anchor (an older copy put back) — each named with its run.
import type Database from 'better-sqlite3';
import { readHead } from './audit-verify.js';
import type { Finding, RunAnchor } from './types.js';

export function anchorFindings(db: Database.Database, anchors: readonly RunAnchor[]): Finding[] {
  const head = readHead(db) ?? undefined;
  const headSeq = head?.seq ?? 0;
  const runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck();
  const hashAt = db.prepare('SELECT hash FROM audit WHERE seq = ?').pluck();
  const findings: Finding[] = [];
  for (const a of anchors) {
    const what = `${a.server}'s anchor of run ${a.runId} (${a.procedure} by ${a.operator}, ${a.outcome}${a.endedAt ? ` at ${a.endedAt}` : ''})`;
    if (!runExists.get(a.runId)) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what}: the store has no such run` });
    } else if (headSeq < a.headSeq) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what} records the audit head at seq ${a.headSeq}, but the store ends at seq ${headSeq}: the store is older than the servers' last anchor (an older copy put back?)` });
    } else if (hashAt.get(a.headSeq) !== a.headHash) {
      findings.push({ problem: 'anchor', runId: a.runId, detail: `${what} records record ${a.headSeq} as ${a.headHash}; the store's record ${a.headSeq} is not that one: the chain was rewritten` });
    }
  }
  return findings;
}
