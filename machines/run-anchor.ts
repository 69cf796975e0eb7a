// At the end of every run (done, failed, interrupted…), after its run-end record is committed,
// the run is anchored on each server it reached: the audit head at that moment goes where the
// store cannot rewrite it (steps/run-anchor.ts writes it; the CLI wires it in as RunOptions.anchor).
// Each attempt is itself audited; a server that does not answer within ANCHOR_WAIT_MS is skipped
// (the run's outcome stands) and `audit verify` later says which runs have no anchor.
import type { RunAnchor, RunRecord, RunStatus, Store } from '../store/types.js';
import type { SqlTarget, SqlTargets } from './sql-targets.js';
import { recordAfterEnd } from './durability.js';

export type AnchorFacts = Omit<RunAnchor, 'server' | 'writtenAt'>;
export type AnchorWriter = (targets: SqlTargets, target: SqlTarget, anchor: AnchorFacts, signal: AbortSignal) => Promise<void>;

const ANCHOR_WAIT_MS = 5000;

/** Wraps a run's connections to remember which servers answered (a SQL error is an answer). */
export function trackTargets(inner: SqlTargets): { targets: SqlTargets; answered(): SqlTarget[] } {
  const last = new Map<SqlTarget, boolean>();
  return {
    targets: {
      serverName: (target) => inner.serverName(target),
      query: async (target, statement, signal) => {
        try {
          const result = await inner.query(target, statement, signal);
          last.set(target, true);
          return result;
        } catch (error) {
          last.set(target, typeof (error as { number?: unknown } | null)?.number === 'number');
          throw error;
        }
      },
      close: () => inner.close(),
    },
    answered: () => [...last].filter(([, ok]) => ok).map(([target]) => target),
  };
}

export interface RunEnd {
  store: Store;
  run: RunRecord;
  status: RunStatus;
  operator: string;
  host: string;
  targets?: SqlTargets;
  answered: SqlTarget[];
  write?: AnchorWriter;
  /** When the run ended, if earlier than now (a missed anchor written later). */
  endedAt?: string;
}

/** Anchors the ended run on every server that answered it, audits each attempt. */
export async function anchorRunEnd(end: RunEnd): Promise<void> {
  const { store, run, targets, write } = end;
  if (!write || !targets || end.answered.length === 0) return;
  const head = store.audit.head();
  const facts: AnchorFacts = {
    runId: run.id, procedure: run.procedure, operator: end.operator, startedAt: run.startedAt,
    endedAt: end.status === 'running' ? null : end.endedAt ?? new Date().toISOString(), outcome: end.status, headSeq: head.seq, headHash: head.hash, storeHost: end.host, storeId: store.id,
  };
  const results = await Promise.all(end.answered.map(async (target) => {
    const signal = AbortSignal.timeout(ANCHOR_WAIT_MS);
    try {
      await Promise.race([write(targets, target, facts, signal), new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${ANCHOR_WAIT_MS / 1000} s`)), { once: true }))]);
      return { target, error: undefined };
    } catch (error) {
      return { target, error: error instanceof Error ? error.message : String(error) };
    }
  }));
  // The run was settled with its end; these records go into the main file too.
  recordAfterEnd(store, results.map(({ target, error }) => ({
    kind: 'anchor', runId: run.id, target, server: targets.serverName(target) ?? null, result: error ? 'not written' : 'written',
    message: error ? `the run's anchor could not be written: ${error}` : null, data: { headSeq: head.seq, headHash: head.hash, storeId: store.id },
  })));
}

/** The servers that answered a run's statements in any of its processes (a SQL error is an
 * answer), by its audit records: a resumed process that sends nothing more still anchors the run there. */
export function targetsReachedBy(store: Store, runId: string): SqlTarget[] {
  const reached = new Set<SqlTarget>();
  for (const r of store.audit.forRun(runId)) {
    const answered = r.result === 'ok' || (r.result === 'error' && r.errorNumber !== null);
    if (r.kind === 'statement' && answered && r.target && r.target !== 'operator') reached.add(r.target);
  }
  return [...reached];
}

/** A run killed between its end commit and its anchors has none: true when it needs them still. */
export const anchorMissed = (store: Store, run: RunRecord): boolean =>
  run.status !== 'running' && !store.audit.forRun(run.id).some((record) => record.kind === 'anchor');
