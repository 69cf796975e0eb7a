// At the end of every run (done, failed, interrupted…), after its run-end record is committed,
// the run is anchored on each server it reached: the audit head at that moment goes where the
// store cannot rewrite it (steps/run-anchor.ts writes it; the CLI wires it in as RunOptions.anchor).
// Each attempt is itself audited. Connecting (a resume opens its connections only now; TLS and the
// login take seconds on a loaded machine) has its own limit, CONNECT_WAIT_MS, and the anchor
// statement its own, ANCHOR_WAIT_MS, from the moment the connection stands: a server that does not
// answer within them is skipped (the run's outcome stands) and `audit verify` names the run.
import type { AuditRecord, RunAnchor, RunRecord, RunStatus, Store } from '../store/types.js';
import type { SqlTarget, SqlTargets } from './sql-targets.js';
import { recordAfterEnd } from './durability.js';

export type AnchorFacts = Omit<RunAnchor, 'server' | 'writtenAt'>;
export type AnchorWriter = (targets: SqlTargets, target: SqlTarget, anchor: AnchorFacts, signal: AbortSignal) => Promise<void>;

/** The driver's own connect timeout (15 s, steps/connection.ts) and the identity check after it. */
const CONNECT_WAIT_MS = 20_000;
const ANCHOR_WAIT_MS = 5000;

/** Wraps a run's connections to remember which servers answered (a SQL error is an answer) and
 * which this process last saw fail without an answer (a lost connection, a timeout). */
export function trackTargets(inner: SqlTargets): { targets: SqlTargets; answered(): SqlTarget[]; failing(): SqlTarget[] } {
  const last = new Map<SqlTarget, boolean>();
  return {
    targets: {
      serverName: (target) => inner.serverName(target),
      ...(inner.connect ? { connect: inner.connect.bind(inner) } : {}),
      query: async (target, statement, signal) => {
        try {
          const result = await inner.query(target, statement, signal);
          last.set(target, true);
          return result;
        } catch (error) {
          // A statement this process cancelled (Ctrl-C, a step's time limit) says nothing of the server.
          if (!signal.aborted) last.set(target, typeof (error as { number?: unknown } | null)?.number === 'number');
          throw error;
        }
      },
      close: () => inner.close(),
    },
    answered: () => [...last].filter(([, ok]) => ok).map(([target]) => target),
    failing: () => [...last].filter(([, ok]) => !ok).map(([target]) => target),
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
  /** Servers this process saw fail: not waited for, audited as not written. */
  skipped?: SqlTarget[];
  write?: AnchorWriter;
  /** When the run ended, if earlier than now (a missed anchor written later). */
  endedAt?: string;
  /** CONNECT_WAIT_MS and ANCHOR_WAIT_MS, unless a test shortens them. */
  waits?: { connectMs: number; anchorMs: number };
}

/** Anchors the ended run on every server that answered it, audits each attempt; `skipped` servers
 * (this process saw them fail: waiting for them would only delay the run's end) are audited as not
 * written, for the next `resume` to anchor. */
export async function anchorRunEnd(end: RunEnd): Promise<void> {
  const { store, run, targets, write } = end;
  const skipped = end.skipped ?? [];
  if (!write || !targets || end.answered.length + skipped.length === 0) return;
  const head = store.audit.head();
  const facts: AnchorFacts = {
    runId: run.id,
    procedure: run.procedure,
    operator: end.operator,
    startedAt: run.startedAt,
    endedAt: end.status === 'running' ? null : (end.endedAt ?? new Date().toISOString()),
    outcome: end.status,
    headSeq: head.seq,
    headHash: head.hash,
    storeHost: end.host,
    storeId: store.id,
  };
  const waits = end.waits ?? { connectMs: CONNECT_WAIT_MS, anchorMs: ANCHOR_WAIT_MS };
  const results = await Promise.all(
    end.answered.map(async (target) => {
      try {
        if (targets.connect) await within(waits.connectMs, 'could not connect', () => targets.connect!(target));
        await within(waits.anchorMs, 'connected, but no answer', (signal) => write(targets, target, facts, signal));
        return { target, error: undefined };
      } catch (error) {
        return { target, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  for (const target of skipped)
    results.push({ target, error: "skipped: the server did not answer this run's last statement to it; `resume` anchors the run there" });
  // The run was settled with its end; these records go into the main file too.
  recordAfterEnd(
    store,
    results.map(({ target, error }) => ({
      kind: 'anchor',
      runId: run.id,
      target,
      server: targets.serverName(target) ?? null,
      result: error ? 'not written' : 'written',
      message: error ? `the run's anchor could not be written: ${error}` : null,
      data: { headSeq: head.seq, headHash: head.hash, storeId: store.id },
    })),
  );
}

/** `work` given `ms` from now, with a signal that fires then. The timer holds the process open
 * (AbortSignal.timeout's does not): a wait for a server that never answers still ends. */
async function within(ms: number, what: string, work: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${what} within ${ms / 1000} s`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The servers that answered a run's statements in any of its processes (a SQL error is an
 * answer), by its audit records: a resumed process that sends nothing more still anchors the run there. */
export function targetsReachedBy(store: Store, runId: string): SqlTarget[] {
  return reachedIn(store.audit.forRun(runId));
}

function reachedIn(records: readonly AuditRecord[]): SqlTarget[] {
  const reached = new Set<SqlTarget>();
  for (const r of records) {
    const answered = r.result === 'ok' || (r.result === 'error' && r.errorNumber !== null);
    if (r.kind === 'statement' && answered && r.target && r.target !== 'operator') reached.add(r.target);
  }
  return [...reached];
}

/** The servers a finished run reached that hold no anchor of its last end: its process was killed
 * between the end commit and the anchors, or a server did not take it then. The next `resume`
 * that finds the run writes them. */
export function anchorsMissing(store: Store, run: RunRecord): SqlTarget[] {
  if (run.status === 'running') return [];
  const records = store.audit.forRun(run.id);
  const end = records.map((r) => r.kind).lastIndexOf('run-end');
  const written = new Set(
    records
      .slice(end + 1)
      .filter((r) => r.kind === 'anchor' && r.result === 'written')
      .map((r) => r.target),
  );
  return reachedIn(records).filter((target) => !written.has(target));
}
