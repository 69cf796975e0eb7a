// Ties the tables the reports read (runs, intents, outcomes, step_states) to the audit chain: every
// row must match the hashed record written with it in the same transaction, and every such record
// must still have its row. A row changed behind the store's back (UPDATE runs SET operator = …) is
// named with its run, though the chain itself is intact.
// The check runs inside SQLite, so memory stays flat in the number of records: one scan keeps, for
// each record a row is tied to, its key, its seq and whether its row (looked up by the table's key)
// says the same, in a TEMP table (SQLite's temporary database: a file of its own, deleted
// on close, never the store nor anything beside it); queries then return only the rows with no record,
// the records whose row differs or is gone. In the million-record bench the old JavaScript maps of
// tied records took ~190 MB; the table holds ~20 bytes a record, most of it in the temporary file.
// On a large store the scan of the records this thread walks is the walk's own (walking): one read of
// them, not two; those the worker walks are kept while it walks (keepFrom). The findings count only
// when the walk proves every record the scans read (audit-proof.ts).
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

const TABLE = 'temp.audit_tied';
/** A small cache: past it SQLite spills the table to its temporary file rather than to RAM. */
const TIED_CACHE_PAGES = 256;

/** `"key"` of the record's data, when the data is a JSON object holding it with a JSON type in `types`
 * (instr is a cheap first filter: parsing every record's data cost a fifth of the walk). */
const hasKey = (key: string, types: string) =>
  `CASE WHEN typeof(data) = 'text' AND instr(data, '"${key}"') AND json_valid(data) THEN json_type(data, '$.${key}') IN (${types}) ELSE 0 END`;
const NUMBER = `'integer', 'real'`;

/** The records a table row is tied to, one per kind and key: the last record of a kind and key
 * stands (as a later run-end does for its run). The anchor records come along for the store id
 * they name (store/anchor-check.ts storeIdFindings), keyed by seq. */
const TIED = `CASE kind WHEN 'run-start' THEN run_id IS NOT NULL WHEN 'run-end' THEN run_id IS NOT NULL WHEN 'resume' THEN run_id IS NOT NULL
  WHEN 'intent' THEN ${hasKey('intentId', NUMBER)} WHEN 'outcome' THEN ${hasKey('intentId', NUMBER)}
  WHEN 'step' THEN ${hasKey('stepStateId', NUMBER)} WHEN 'anchor' THEN ${hasKey('storeId', "'text'")} ELSE 0 END`;
const KIND = `CASE kind WHEN 'run-end' THEN 'run-last' WHEN 'resume' THEN 'run-last' ELSE kind END`;
const NUMBER_KEY = `CASE kind WHEN 'intent' THEN json_extract(data, '$.intentId') WHEN 'outcome' THEN json_extract(data, '$.intentId')
  WHEN 'step' THEN json_extract(data, '$.stepStateId') WHEN 'anchor' THEN seq ELSE 0 END`;
const RUN_KEY = `CASE WHEN kind IN ('run-start', 'run-end', 'resume') THEN run_id ELSE '' END`;

/** Whether the row an intent, outcome or step record is tied to says what the record says: 1, 0
 * when it differs, NULL when there is no such row. Looked up in the scan, by the tables' keys,
 * so the check afterwards reads no record back. As json_array text two sides are equal only when
 * every value and its type are (1 is not '1'). An outcome row without a message matches any: the
 * record's is then the server's. */
const ROW_MATCHES = `CASE kind
  WHEN 'intent' THEN (SELECT json_array(i.run_id, i.step_id, i.attempt, i.action)
    = json_array(audit.run_id, audit.step_id, audit.attempt, json_extract(audit.data, '$.action'))
    FROM intents i WHERE i.id = json_extract(audit.data, '$.intentId'))
  WHEN 'outcome' THEN (SELECT json_array(o.status, o.error_number) = json_array(audit.result, audit.error_number)
    AND (o.message IS NULL OR o.message IS audit.message) FROM outcomes o WHERE o.intent_id = json_extract(audit.data, '$.intentId'))
  WHEN 'step' THEN (SELECT json_array(s.run_id, s.step_id, s.status, s.attempt, s.error_number, s.detail, s.error_message)
    = json_array(audit.run_id, audit.step_id, audit.result, audit.attempt, audit.error_number, json_extract(audit.data, '$.detail'),
      json_extract(audit.data, '$.error'))
    FROM step_states s WHERE s.id = json_extract(audit.data, '$.stepStateId'))
  END`;

/** Keeps records, in seq order, so that the last record of a kind and key stands. */
const KEEP = `INSERT OR REPLACE INTO ${TABLE} (kind, n, run, seq, row_matches) SELECT ${KIND}, ${NUMBER_KEY}, ${RUN_KEY}, seq, ${ROW_MATCHES}`;

const RUNS = `SELECT r.rowid, r.id, r.procedure, r.pair_key, r.definition_hash, r.definition, r.operator, r.os_user, r.host, r.pid, r.argv,
    r.status, r.exit_code, s.seq AS start_seq, s.operator AS start_operator, s.os_user AS start_os_user, s.host AS start_host,
    s.data AS start_data, l.kind AS last_kind, l.result AS last_result, l.data AS last_data
  FROM runs r
  LEFT JOIN ${TABLE} ts ON ts.kind = 'run-start' AND ts.n = 0 AND ts.run = r.id LEFT JOIN audit s ON s.seq = ts.seq
  LEFT JOIN ${TABLE} tl ON tl.kind = 'run-last' AND tl.n = 0 AND tl.run = r.id LEFT JOIN audit l ON l.seq = tl.seq
  ORDER BY r.rowid`;

/** The tied records of `kind` whose row is gone (`gone`, over the table's row `t`); the record's
 * run is read back only for those. */
const orphans = (kind: string, gone = 't.row_matches IS NULL') =>
  `SELECT t.n AS id, t.run, t.seq, (SELECT run_id FROM audit a WHERE a.seq = t.seq) AS runId FROM ${TABLE} t
  WHERE t.kind = '${kind}' AND ${gone} ORDER BY t.seq`;

/** The rows of a table from its first tied row on with no record of `kind` (seq null), or whose
 * record differs, in key order. */
const untied = (kind: string, table: string, key: string, columns: string, joins = '') =>
  `SELECT ${columns}, NULL AS seq FROM ${table} ${joins}
    WHERE ${key} >= @first AND NOT EXISTS (SELECT 1 FROM ${TABLE} t WHERE t.kind = '${kind}' AND t.n = ${key} AND t.run = '')
  UNION ALL
  SELECT ${columns}, t.seq FROM ${TABLE} t JOIN ${table} ON ${key} = t.n ${joins} WHERE t.kind = '${kind}' AND t.row_matches = 0 AND t.n >= @first
  ORDER BY 1`;

const INTENTS = untied('intent', 'intents i', 'i.id', 'i.id, i.run_id, i.step_id');
const OUTCOMES = untied('outcome', 'outcomes o', 'o.intent_id', 'o.intent_id, i.run_id', 'LEFT JOIN intents i ON i.id = o.intent_id');
const STEPS = untied('step', 'step_states s', 's.id', 's.id, s.run_id, s.step_id, s.status');

/** An anchor record and the store id it names. */
export interface AnchorRecord {
  seq: number;
  runId: string | null;
  storeId: string;
}

/** The tied records of the chain, in a TEMP table of `db`, and the check of the tables against them. */
export class Ties {
  constructor(private readonly db: Database.Database) {
    db.pragma(`temp.cache_size = ${TIED_CACHE_PAGES}`);
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS audit_tied (kind TEXT NOT NULL, n INTEGER NOT NULL, run TEXT NOT NULL, seq INTEGER NOT NULL,
      row_matches INTEGER, PRIMARY KEY (kind, n, run)) WITHOUT ROWID`);
  }

  /** Keeps the tied records (only these: the table lives as long as the connection), in seq order:
   * the last record of a kind and key stands. With `end`, only those of the verified part of a
   * broken chain (seq 1 to `end`, excluded): a record past the break or moved before the first is no
   * evidence. */
  keep(end?: number): void {
    this.db.exec(`DELETE FROM ${TABLE}`);
    this.db
      .prepare(`${KEEP} FROM audit WHERE ${TIED}${end === undefined ? '' : ' AND seq >= 1 AND seq < @end'} ORDER BY seq`)
      .run(end === undefined ? {} : { end });
  }

  /** As keep(), in the scan the chain walk makes of its first part (store/audit-verify.ts Scan):
   * one read of those records instead of two. keepFrom then keeps those of the rest. */
  readonly walking = (range: string, linked: string): string => {
    this.db.exec(`DELETE FROM ${TABLE}`);
    return `${KEEP} FROM audit WHERE ${range} AND CASE WHEN ${linked} THEN ${TIED} ELSE 0 END ORDER BY seq`;
  };

  /** Keeps the tied records from seq `from` on, after those before it (walking). */
  keepFrom(from: number): void {
    this.db.prepare(`${KEEP} FROM audit WHERE seq >= @from AND ${TIED} ORDER BY seq`).run({ from });
  }

  /** The first anchor record of the verified chain that names a store id other than `storeId`. */
  anchorNamingOther(storeId: string): AnchorRecord | undefined {
    return this.db
      .prepare(`SELECT seq, runId, storeId FROM (SELECT a.seq, a.run_id AS runId, json_extract(a.data, '$.storeId') AS storeId
        FROM ${TABLE} t JOIN audit a ON a.seq = t.seq WHERE t.kind = 'anchor') WHERE storeId IS NOT ? ORDER BY seq LIMIT 1`)
      .get(storeId) as AnchorRecord | undefined;
  }

  check(): { findings: Finding[]; notes: string[] } {
    const findings: Finding[] = [];
    const legacy = new Legacy(this.db);
    this.checkRuns(findings, legacy);
    this.checkIntents(findings, legacy);
    this.checkOutcomes(findings, legacy);
    this.checkSteps(findings, legacy);
    return { findings, notes: legacy.notes() };
  }

  /** Drops the table (its pages, and the temporary file past the cache). */
  dispose(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  }

  private checkRuns(findings: Finding[], legacy: Legacy): void {
    for (const row of this.db.prepare(RUNS).iterate() as IterableIterator<Record<string, unknown>>) {
      const runId = row.id as string;
      if (legacy.skip('runs', row.rowid as number)) continue;
      if (row.start_seq === null) {
        findings.push({ problem: 'untied', runId, detail: `run ${runId} is in the runs table but the audit trail has no run-start record for it` });
        continue;
      }
      const data = dataOf(row.start_data);
      const differs: string[] = [];
      const expect = (name: string, table: unknown, record: unknown) => {
        if (record !== undefined && table !== record) differs.push(name);
      };
      expect('operator', row.operator, row.start_operator);
      expect('os user', row.os_user, row.start_os_user);
      expect('host', row.host, row.start_host);
      expect('procedure', row.procedure, data.procedure);
      expect('pair', row.pair_key, data.pairKey);
      expect('definition hash', row.definition_hash, data.definitionHash);
      expect('pid', row.pid, data.pid);
      if (data.argv !== undefined && row.argv !== JSON.stringify(data.argv)) differs.push('command line');
      if (typeof data.definitionSha === 'string' && sha256(row.definition as string) !== data.definitionSha) differs.push('definition');
      const status = row.last_kind === null || row.last_kind === 'resume' ? 'running' : row.last_result;
      expect('status', row.status, status);
      if (row.last_kind === 'run-end') expect('exit code', row.exit_code, dataOf(row.last_data).exitCode ?? null);
      if (differs.length > 0)
        findings.push({ problem: 'untied', runId, detail: `run ${runId}: ${differs.join(', ')} in the runs table differ from the audit trail` });
    }
    for (const record of this.orphans('run-start', 'NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = t.run)')) {
      findings.push({
        problem: 'untied',
        runId: record.run,
        detail: `run ${record.run} has a run-start record (seq ${record.seq}) but no row in the runs table`,
      });
    }
  }

  private checkIntents(findings: Finding[], legacy: Legacy): void {
    for (const row of this.untied<{ id: number; run_id: string; step_id: string }>(INTENTS, 'intents', legacy)) {
      findings.push({
        problem: 'untied',
        runId: row.run_id,
        detail:
          row.seq === null
            ? `journal intent ${row.id} (run ${row.run_id}, step ${row.step_id}) has no intent record in the audit trail`
            : `journal intent ${row.id} (run ${row.run_id}) differs from its audit record seq ${row.seq}`,
      });
    }
    for (const record of this.orphans('intent')) {
      findings.push({
        problem: 'untied',
        runId: record.runId as string,
        detail: `audit record seq ${record.seq} is the intent of journal entry ${record.id}, which is gone from the journal`,
      });
    }
  }

  private checkOutcomes(findings: Finding[], legacy: Legacy): void {
    for (const row of this.untied<{ intent_id: number; run_id: string | null }>(OUTCOMES, 'outcomes', legacy)) {
      const runId = row.run_id ?? undefined;
      const what = `the outcome of journal intent ${row.intent_id}${runId ? ` (run ${runId})` : ''}`;
      findings.push({
        problem: 'untied',
        ...(runId ? { runId } : {}),
        detail: row.seq === null ? `${what} has no outcome record in the audit trail` : `${what} differs from its audit record seq ${row.seq}`,
      });
    }
    for (const record of this.orphans('outcome')) {
      findings.push({
        problem: 'untied',
        runId: record.runId as string,
        detail: `audit record seq ${record.seq} is the outcome of journal intent ${record.id}, which has no outcome in the journal`,
      });
    }
  }

  private checkSteps(findings: Finding[], legacy: Legacy): void {
    for (const row of this.untied<{ id: number; run_id: string; step_id: string; status: string }>(STEPS, 'step_states', legacy)) {
      findings.push({
        problem: 'untied',
        runId: row.run_id,
        detail:
          row.seq === null
            ? `step state ${row.id} (run ${row.run_id}, step ${row.step_id}: ${row.status}) has no step record in the audit trail`
            : `step state ${row.id} (run ${row.run_id}, step ${row.step_id}) differs from its audit record seq ${row.seq}`,
      });
    }
    for (const record of this.orphans('step')) {
      findings.push({
        problem: 'untied',
        runId: record.runId as string,
        detail: `audit record seq ${record.seq} records step state ${record.id}, which is gone from the journal`,
      });
    }
  }

  /** The rows of `table` from its first tied row on that have no record or differ from it (`seq` null: none). */
  private untied<Row>(query: string, table: string, legacy: Legacy): (Row & { seq: number | null })[] {
    legacy.count(table);
    return this.db.prepare(query).all({ first: legacy.first(table) }) as (Row & { seq: number | null })[];
  }

  private orphans(kind: string, gone?: string): { id: number; run: string; seq: number; runId: string | null }[] {
    return this.db.prepare(orphans(kind, gone)).all() as { id: number; run: string; seq: number; runId: string | null }[];
  }
}

/** Rows an older build wrote, before tie_start: counted and reported, not checked. */
class Legacy {
  private readonly firsts = new Map<string, number>();
  private readonly skipped = new Map<string, number>();

  constructor(private readonly db: Database.Database) {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tie_start'").get();
    // A store older than schema 3, verified as it is: none of its rows were tied.
    if (!table) for (const t of ['runs', 'intents', 'outcomes', 'step_states']) this.firsts.set(t, Number.MAX_SAFE_INTEGER);
    else
      for (const row of db.prepare('SELECT tbl, first_id FROM tie_start').all() as { tbl: string; first_id: number }[]) this.firsts.set(row.tbl, row.first_id);
  }

  first(table: string): number {
    return this.firsts.get(table) ?? 1;
  }

  skip(table: string, id: number): boolean {
    if (id >= this.first(table)) return false;
    this.skipped.set(table, (this.skipped.get(table) ?? 0) + 1);
    return true;
  }

  /** Counts the rows of a table keyed by its first column (id, or intent_id for outcomes) below its first tied row. */
  count(table: string): void {
    const key = table === 'outcomes' ? 'intent_id' : 'id';
    const n = this.db.prepare(`SELECT count(*) FROM ${table} WHERE ${key} < ?`).pluck().get(this.first(table)) as number;
    if (n > 0) this.skipped.set(table, n);
  }

  notes(): string[] {
    return [...this.skipped].map(
      ([table, n]) => `${n} ${table} rows were written before this store tied its tables to the audit trail (schema 3) and are not checked`,
    );
  }
}

/** A record's data object; data that is not a JSON object (only an edit makes it so) has no facts. */
function dataOf(data: unknown): Record<string, unknown> {
  if (typeof data !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(data);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
