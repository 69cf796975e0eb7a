// Fills a store with `count` audit records shaped like real runs, for bench/audit. A lab pair runs
// `run setup --yes` then `run failover --yes` through the built CLI: that store is the template —
// its records (statements, probes, intents, outcomes, step states, notes, anchors, run start and
// end) and the rows they are tied to (runs, intents, outcomes, step_states). The template's runs
// are then copied, in order, until the trail holds `count` records: each copy gets new run ids,
// intent and step-state ids (in the tied rows and in the records' data, as the journal writes
// them), and every record is chained by the store's own hashOf. A run cut short by `count` is left
// `running`, as a run in flight is. So verify ties as many rows per record as a real store does.

import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { AUDIT_COLUMNS, HASH, hashOf, type AuditRow } from '../../store/audit-chain.js';
import { startPairLab } from '../../test/runbooks/pair-lab.js';

const PER_TRANSACTION = 10_000;
const DEFAULT_POLL_MS = 1000;
/** The kinds of record verify ties to a table row (store/audit-ties.ts). */
const TIED_KINDS = new Set(['run-start', 'run-end', 'resume', 'intent', 'outcome', 'step']);

export interface RealFill {
  /** Records the lab's runs wrote (the template). */
  templateRecords: number;
  /** Of those, the ones a table row is tied to. */
  templateTied: number;
  /** Runs in the filled store. */
  runs: number;
  /** Records per second through the copy path. */
  copyRate: number;
}

/** The template store: a lab pair set up and failed over by the built CLI, polling at the operator's
 * default (the tests' 50 ms poll would fill the trail with status reads a real run does not make). */
async function templateStore(into: string): Promise<void> {
  const pair = await startPairLab();
  try {
    for (const procedure of ['setup', 'failover']) {
      const run = await pair.cli(['run', procedure, '--yes'], { env: { MIRRORBOOK_POLL_MS: String(DEFAULT_POLL_MS) } }).done;
      if (run.code !== 0) throw new Error(`run ${procedure} on the lab exited ${run.code}: ${run.stderr}`);
    }
    const lab = new Database(`${pair.lab.dir}/state.db`, { readonly: true, fileMustExist: true });
    try {
      lab.prepare('VACUUM INTO ?').run(into);
    } finally {
      lab.close();
    }
  } finally {
    await pair.stop();
  }
}

type Row = Record<string, unknown>;

export async function fillRealRuns(path: string, count: number): Promise<RealFill> {
  await templateStore(path);
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    const records = db
      .prepare(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit ORDER BY seq`)
      .raw()
      .all() as AuditRow[];
    const runs = new Map((db.prepare('SELECT * FROM runs').all() as Row[]).map((r) => [r.id as string, r]));
    const intents = new Map((db.prepare('SELECT * FROM intents').all() as Row[]).map((r) => [r.id as number, r]));
    const outcomes = new Map((db.prepare('SELECT * FROM outcomes').all() as Row[]).map((r) => [r.intent_id as number, r]));
    const steps = new Map((db.prepare('SELECT * FROM step_states').all() as Row[]).map((r) => [r.id as number, r]));
    const intentSpan = Math.max(...intents.keys());
    const stepSpan = Math.max(...steps.keys());
    if (records.length > count) throw new Error(`the lab's runs wrote ${records.length} records, more than the ${count} asked for`);

    const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`);
    const moveHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1');
    const insertRun = db.prepare(`INSERT INTO runs (id, procedure, pair_key, definition_hash, definition, operator, os_user, host, pid, argv,
      status, exit_code, started_at, updated_at, ended_at) VALUES (@id, @procedure, @pair_key, @definition_hash, @definition, @operator,
      @os_user, @host, @pid, @argv, 'running', NULL, @started_at, @started_at, NULL)`);
    const endRun = db.prepare('UPDATE runs SET status = ?, exit_code = ?, updated_at = ?, ended_at = ? WHERE id = ?');
    const insertIntent = db.prepare('INSERT INTO intents (id, run_id, step_id, attempt, action, at) VALUES (?, ?, ?, ?, ?, ?)');
    const insertOutcome = db.prepare('INSERT INTO outcomes (intent_id, status, error_number, message, at) VALUES (?, ?, ?, ?, ?)');
    const insertStep = db.prepare(`INSERT INTO step_states (id, run_id, step_id, status, attempt, detail, error_number, error_message, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);

    let head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string };
    const copyRuns = new Set<string>();
    /** Writes copy `c` of template record `t`, with the row it is tied to. */
    const copy = (t: AuditRow, c: number): void => {
      const runId = t[2] === null ? null : `${t[2]}-${c}`;
      const data = t[15] === null ? null : (JSON.parse(t[15]) as Row);
      const kind = t[3];
      if (kind === 'run-start') {
        insertRun.run({ ...runs.get(t[2]!), id: runId });
        copyRuns.add(runId!);
      } else if (kind === 'run-end') endRun.run(t[12], data!.exitCode ?? null, t[1], t[1], runId);
      else if ((kind === 'intent' || kind === 'outcome') && typeof data?.intentId === 'number') {
        const id = data.intentId + c * intentSpan;
        if (kind === 'intent') {
          const i = intents.get(data.intentId)!;
          insertIntent.run(id, runId, i.step_id, i.attempt, i.action, i.at);
        } else {
          const o = outcomes.get(data.intentId)!;
          insertOutcome.run(id, o.status, o.error_number, o.message, o.at);
        }
        data.intentId = id;
      } else if (kind === 'step' && typeof data?.stepStateId === 'number') {
        const s = steps.get(data.stepStateId)!;
        const id = data.stepStateId + c * stepSpan;
        insertStep.run(id, runId, s.step_id, s.status, s.attempt, s.detail, s.error_number, s.error_message, s.at);
        data.stepStateId = id;
      }
      const row: AuditRow = [...t];
      row[0] = head.seq + 1;
      row[2] = runId;
      row[15] = data === null ? null : JSON.stringify(data);
      row[16] = head.hash;
      row[HASH] = hashOf(db, row);
      insert.run(row);
      head = { seq: row[0], hash: row[HASH] };
    };

    const started = performance.now();
    let c = 1;
    let at = 0;
    const batch = db.transaction((end: number) => {
      while (head.seq < end) {
        copy(records[at]!, c);
        at += 1;
        if (at === records.length) {
          at = 0;
          c += 1;
        }
      }
      moveHead.run(head.seq, head.hash);
    });
    while (head.seq < count) batch(Math.min(count, head.seq + PER_TRANSACTION));
    const copyMs = performance.now() - started;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const templateTied = records.filter((r) => TIED_KINDS.has(r[3])).length;
    return { templateRecords: records.length, templateTied, runs: runs.size + copyRuns.size, copyRate: (count - records.length) / (copyMs / 1000) };
  } finally {
    db.close();
  }
}
