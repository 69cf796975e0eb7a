// Ties the tables the reports read (runs, intents, outcomes, step_states) to the audit chain: every
// row must match the hashed record written with it in the same transaction, and every such record
// must still have its row. A row changed behind the store's back (UPDATE runs SET operator = …) is
// named with its run, though the chain itself is intact.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

/** The records that back a table row, marked by SQLite during the chain walk (a million other
 * records never reach JavaScript as objects): so the tables are checked against exactly the
 * records the walk verified, in the same read transaction. For intents, outcomes and steps the
 * key's name in the data is a cheap first filter (json_extract here cost a fifth of the walk);
 * `record` keeps only those whose data has it as a number, as before. The anchor records come
 * along for the store id they name (store/anchor-check.ts storeIdFindings). */
export const TIED = `CASE kind WHEN 'run-start' THEN 1 WHEN 'run-end' THEN 1 WHEN 'resume' THEN 1 WHEN 'anchor' THEN 1
  WHEN 'intent' THEN instr(data, '"intentId"') WHEN 'outcome' THEN instr(data, '"intentId"')
  WHEN 'step' THEN instr(data, '"stepStateId"') ELSE 0 END`;

const F = {
  seq: 0,
  ts: 1,
  runId: 2,
  kind: 3,
  operator: 4,
  osUser: 5,
  host: 6,
  stepId: 9,
  attempt: 10,
  result: 12,
  errorNumber: 13,
  message: 14,
  data: 15,
} as const;

interface RunFacts {
  start?: unknown[];
  /** The last run-end or resume record: what the run's status must say. */
  last?: unknown[];
}

/** Takes the tied records of a verified chain (`record`, from the walk), then checks the tables against them. */
export class Ties {
  private readonly runs = new Map<string, RunFacts>();
  private readonly intents = new Map<number, unknown[]>();
  private readonly outcomes = new Map<number, unknown[]>();
  private readonly steps = new Map<number, unknown[]>();

  record(canonical: string): void {
    const fields = JSON.parse(canonical) as unknown[];
    const kind = fields[F.kind];
    const runId = fields[F.runId] as string | null;
    const data = dataOf(fields);
    if (kind === 'run-start' || kind === 'run-end' || kind === 'resume') {
      if (runId === null) return;
      const facts = this.runs.get(runId) ?? {};
      if (kind === 'run-start') facts.start = fields;
      else facts.last = fields;
      this.runs.set(runId, facts);
    } else if (kind === 'intent' && typeof data.intentId === 'number') this.intents.set(data.intentId, fields);
    else if (kind === 'outcome' && typeof data.intentId === 'number') this.outcomes.set(data.intentId, fields);
    else if (kind === 'step' && typeof data.stepStateId === 'number') this.steps.set(data.stepStateId, fields);
    else if (kind === 'anchor' && typeof data.storeId === 'string') this.anchorStoreIds.push({ seq: fields[F.seq] as number, runId, storeId: data.storeId });
  }

  /** The store id each anchor record of the verified chain names, in seq order. */
  readonly anchorStoreIds: { seq: number; runId: string | null; storeId: string }[] = [];

  check(db: Database.Database): { findings: Finding[]; notes: string[] } {
    const findings: Finding[] = [];
    const legacy = new Legacy(db);
    this.checkRuns(db, findings, legacy);
    this.checkIntents(db, findings, legacy);
    this.checkOutcomes(db, findings, legacy);
    this.checkSteps(db, findings, legacy);
    return { findings, notes: legacy.notes() };
  }

  private checkRuns(db: Database.Database, findings: Finding[], legacy: Legacy): void {
    const seen = new Set<string>();
    for (const row of db
      .prepare('SELECT rowid, id, procedure, pair_key, definition_hash, definition, operator, os_user, host, pid, argv, status, exit_code FROM runs')
      .iterate() as IterableIterator<Record<string, unknown>>) {
      const runId = row.id as string;
      seen.add(runId);
      if (legacy.skip('runs', row.rowid as number)) continue;
      const facts = this.runs.get(runId);
      if (!facts?.start) {
        findings.push({ problem: 'untied', runId, detail: `run ${runId} is in the runs table but the audit trail has no run-start record for it` });
        continue;
      }
      const start = facts.start;
      const data = dataOf(start);
      const differs: string[] = [];
      const expect = (name: string, table: unknown, record: unknown) => {
        if (record !== undefined && table !== record) differs.push(name);
      };
      expect('operator', row.operator, start[F.operator]);
      expect('os user', row.os_user, start[F.osUser]);
      expect('host', row.host, start[F.host]);
      expect('procedure', row.procedure, data.procedure);
      expect('pair', row.pair_key, data.pairKey);
      expect('definition hash', row.definition_hash, data.definitionHash);
      expect('pid', row.pid, data.pid);
      if (data.argv !== undefined && row.argv !== JSON.stringify(data.argv)) differs.push('command line');
      if (typeof data.definitionSha === 'string' && sha256(row.definition as string) !== data.definitionSha) differs.push('definition');
      const last = facts.last;
      const status = last === undefined || last[F.kind] === 'resume' ? 'running' : last[F.result];
      expect('status', row.status, status);
      if (last !== undefined && last[F.kind] === 'run-end') expect('exit code', row.exit_code, dataOf(last).exitCode ?? null);
      if (differs.length > 0)
        findings.push({ problem: 'untied', runId, detail: `run ${runId}: ${differs.join(', ')} in the runs table differ from the audit trail` });
    }
    for (const [runId, facts] of this.runs) {
      if (facts.start && !seen.has(runId))
        findings.push({
          problem: 'untied',
          runId,
          detail: `run ${runId} has a run-start record (seq ${String(facts.start[F.seq])}) but no row in the runs table`,
        });
    }
  }

  private checkIntents(db: Database.Database, findings: Finding[], legacy: Legacy): void {
    const seen = new Set<number>();
    for (const row of db.prepare('SELECT id, run_id, step_id, attempt, action FROM intents').iterate() as IterableIterator<{
      id: number;
      run_id: string;
      step_id: string;
      attempt: number;
      action: string;
    }>) {
      seen.add(row.id);
      if (legacy.skip('intents', row.id)) continue;
      const record = this.intents.get(row.id);
      if (!record)
        findings.push({
          problem: 'untied',
          runId: row.run_id,
          detail: `journal intent ${row.id} (run ${row.run_id}, step ${row.step_id}) has no intent record in the audit trail`,
        });
      else if (
        record[F.runId] !== row.run_id ||
        record[F.stepId] !== row.step_id ||
        record[F.attempt] !== row.attempt ||
        dataOf(record).action !== row.action
      ) {
        findings.push({
          problem: 'untied',
          runId: row.run_id,
          detail: `journal intent ${row.id} (run ${row.run_id}) differs from its audit record seq ${String(record[F.seq])}`,
        });
      }
    }
    for (const [id, record] of this.intents) {
      if (!seen.has(id))
        findings.push({
          problem: 'untied',
          runId: record[F.runId] as string,
          detail: `audit record seq ${String(record[F.seq])} is the intent of journal entry ${id}, which is gone from the journal`,
        });
    }
  }

  private checkOutcomes(db: Database.Database, findings: Finding[], legacy: Legacy): void {
    const seen = new Set<number>();
    for (const row of db
      .prepare('SELECT o.intent_id, i.run_id, o.status, o.error_number, o.message FROM outcomes o LEFT JOIN intents i ON i.id = o.intent_id')
      .iterate() as IterableIterator<{ intent_id: number; run_id: string | null; status: string; error_number: number | null; message: string | null }>) {
      seen.add(row.intent_id);
      if (legacy.skip('outcomes', row.intent_id)) continue;
      const record = this.outcomes.get(row.intent_id);
      const runId = row.run_id ?? undefined;
      if (!record)
        findings.push({
          problem: 'untied',
          ...(runId ? { runId } : {}),
          detail: `the outcome of journal intent ${row.intent_id}${runId ? ` (run ${runId})` : ''} has no outcome record in the audit trail`,
        });
      else if (record[F.result] !== row.status || record[F.errorNumber] !== row.error_number || (row.message !== null && record[F.message] !== row.message)) {
        findings.push({
          problem: 'untied',
          ...(runId ? { runId } : {}),
          detail: `the outcome of journal intent ${row.intent_id}${runId ? ` (run ${runId})` : ''} differs from its audit record seq ${String(record[F.seq])}`,
        });
      }
    }
    for (const [id, record] of this.outcomes) {
      if (!seen.has(id))
        findings.push({
          problem: 'untied',
          runId: record[F.runId] as string,
          detail: `audit record seq ${String(record[F.seq])} is the outcome of journal intent ${id}, which has no outcome in the journal`,
        });
    }
  }

  private checkSteps(db: Database.Database, findings: Finding[], legacy: Legacy): void {
    const seen = new Set<number>();
    for (const row of db
      .prepare('SELECT id, run_id, step_id, status, attempt, detail, error_number, error_message FROM step_states')
      .iterate() as IterableIterator<{
      id: number;
      run_id: string;
      step_id: string;
      status: string;
      attempt: number;
      detail: string | null;
      error_number: number | null;
      error_message: string | null;
    }>) {
      seen.add(row.id);
      if (legacy.skip('step_states', row.id)) continue;
      const record = this.steps.get(row.id);
      const data = record ? dataOf(record) : {};
      if (!record)
        findings.push({
          problem: 'untied',
          runId: row.run_id,
          detail: `step state ${row.id} (run ${row.run_id}, step ${row.step_id}: ${row.status}) has no step record in the audit trail`,
        });
      else if (
        record[F.runId] !== row.run_id ||
        record[F.stepId] !== row.step_id ||
        record[F.result] !== row.status ||
        record[F.attempt] !== row.attempt ||
        record[F.errorNumber] !== row.error_number ||
        (data.detail ?? null) !== row.detail ||
        (data.error ?? null) !== row.error_message
      ) {
        findings.push({
          problem: 'untied',
          runId: row.run_id,
          detail: `step state ${row.id} (run ${row.run_id}, step ${row.step_id}) differs from its audit record seq ${String(record[F.seq])}`,
        });
      }
    }
    for (const [id, record] of this.steps) {
      if (!seen.has(id))
        findings.push({
          problem: 'untied',
          runId: record[F.runId] as string,
          detail: `audit record seq ${String(record[F.seq])} records step state ${id}, which is gone from the journal`,
        });
    }
  }
}

/** Rows an older build wrote, before tie_start: counted and reported, not checked. */
class Legacy {
  private readonly first = new Map<string, number>();
  private readonly skipped = new Map<string, number>();

  constructor(db: Database.Database) {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tie_start'").get();
    // A store older than schema 3, verified as it is: none of its rows were tied.
    if (!table) for (const t of ['runs', 'intents', 'outcomes', 'step_states']) this.first.set(t, Infinity);
    else
      for (const row of db.prepare('SELECT tbl, first_id FROM tie_start').all() as { tbl: string; first_id: number }[]) this.first.set(row.tbl, row.first_id);
  }

  skip(table: string, id: number): boolean {
    if (id >= (this.first.get(table) ?? 1)) return false;
    this.skipped.set(table, (this.skipped.get(table) ?? 0) + 1);
    return true;
  }

  notes(): string[] {
    return [...this.skipped].map(
      ([table, n]) => `${n} ${table} rows were written before this store tied its tables to the audit trail (schema 3) and are not checked`,
    );
  }
}

/** A record's data object; data that is not a JSON object (only an edit makes it so) has no facts. */
function dataOf(fields: unknown[]): Record<string, unknown> {
  const data = fields[F.data];
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
