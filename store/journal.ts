// The step journal, the source of truth for resume: an intent is durable before an apply starts,
// its outcome after it ends; an intent without an outcome is "in doubt".
import type Database from 'better-sqlite3';
import { nowIso } from './clock.js';
import { unknownRun } from './runs.js';
import { maskedText } from './secret-guard.js';
import { StoreError, type IntentAction, type JournalEntry, type OutcomeStatus, type StepFinalStatus, type StepState, type Store } from './types.js';

interface EntryRow {
  id: number;
  run_id: string;
  step_id: string;
  attempt: number;
  action: IntentAction;
  at: string;
  outcome_status: OutcomeStatus | null;
  outcome_at: string | null;
  error_number: number | null;
  message: string | null;
}

interface StepRow {
  run_id: string;
  step_id: string;
  status: StepFinalStatus;
  attempt: number;
  detail: string | null;
  error_number: number | null;
  error_message: string | null;
  at: string;
}

const ENTRY = `SELECT i.id, i.run_id, i.step_id, i.attempt, i.action, i.at,
  o.status AS outcome_status, o.at AS outcome_at, o.error_number, o.message
  FROM intents i LEFT JOIN outcomes o ON o.intent_id = i.id`;

function entryOf(row: EntryRow): JournalEntry {
  return {
    id: row.id,
    runId: row.run_id,
    stepId: row.step_id,
    attempt: row.attempt,
    action: row.action,
    intentAt: row.at,
    outcome: row.outcome_status === null ? null : { status: row.outcome_status, at: row.outcome_at!, errorNumber: row.error_number, message: row.message },
  };
}

function stepStateOf(row: StepRow): StepState {
  return {
    runId: row.run_id,
    stepId: row.step_id,
    status: row.status,
    attempt: row.attempt,
    ...(row.detail === null ? {} : { detail: row.detail }),
    ...(row.error_message === null ? {} : { error: { ...(row.error_number === null ? {} : { number: row.error_number }), message: row.error_message } }),
    at: row.at,
  };
}

export function createJournal(db: Database.Database, audit: Store['audit']): Store['journal'] {
  const runExists = db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck();
  const insertIntent = db.prepare('INSERT INTO intents (run_id, step_id, attempt, action, at) VALUES (?, ?, ?, ?, ?)');
  const intentById = db.prepare(`${ENTRY} WHERE i.id = ?`);
  const insertOutcome = db.prepare('INSERT INTO outcomes (intent_id, status, error_number, message, at) VALUES (?, ?, ?, ?, ?)');
  const insertStep = db.prepare(`INSERT INTO step_states (run_id, step_id, status, attempt, detail, error_number, error_message, at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const stepsOf = db.prepare('SELECT * FROM step_states WHERE run_id = ? ORDER BY id');
  const entriesOf = db.prepare(`${ENTRY} WHERE i.run_id = ? ORDER BY i.id`);
  const inDoubtOf = db.prepare(`${ENTRY} WHERE i.run_id = ? AND o.intent_id IS NULL ORDER BY i.id`);

  const intent = db.transaction((e: Parameters<Store['journal']['intent']>[0]): number => {
    if (!runExists.get(e.runId)) throw unknownRun(e.runId);
    const id = Number(insertIntent.run(e.runId, e.stepId, e.attempt, e.action, nowIso()).lastInsertRowid);
    const a = e.audit ?? {};
    audit.append({
      kind: 'intent',
      runId: e.runId,
      stepId: e.stepId,
      attempt: e.attempt,
      target: a.target,
      server: a.server,
      sql: a.sql,
      operator: a.operator,
      message: a.message,
      data: { intentId: id, action: e.action, ...(a.data === undefined ? {} : { detail: a.data }) },
    });
    return id;
  });

  const outcome = db.transaction((e: Parameters<Store['journal']['outcome']>[0]): void => {
    const entry = intentById.get(e.intentId) as EntryRow | undefined;
    if (!entry) {
      throw new StoreError('unknown-intent', `no journal intent ${e.intentId} in this store`, 'this is a mirrorbook bug — please report it with the run id');
    }
    if (entry.outcome_status !== null) throw new Error(`intent ${e.intentId} already has an outcome (${entry.outcome_status})`);
    const message = maskedText(e.error?.message ?? null, 'outcome error');
    const at = e.at ?? nowIso();
    insertOutcome.run(e.intentId, e.status, e.error?.number ?? null, message, at);
    const a = e.audit ?? {};
    audit.append({
      kind: 'outcome',
      at,
      runId: entry.run_id,
      stepId: entry.step_id,
      attempt: entry.attempt,
      target: a.target,
      server: a.server,
      sql: a.sql,
      operator: a.operator,
      result: e.status,
      errorNumber: e.error?.number ?? null,
      message: message ?? a.message ?? null,
      data: { intentId: e.intentId, action: entry.action, ...(a.data === undefined ? {} : { detail: a.data }) },
    });
  });

  // Audited so the step table a report shows is tied to the chain (store/audit-ties.ts).
  const step = db.transaction((e: Parameters<Store['journal']['step']>[0]): void => {
    if (!runExists.get(e.runId)) throw unknownRun(e.runId);
    const detail = maskedText(e.detail ?? null, 'step detail');
    const error = maskedText(e.error?.message ?? null, 'step error');
    const at = nowIso();
    const id = Number(insertStep.run(e.runId, e.stepId, e.status, e.attempt, detail, e.error?.number ?? null, error, at).lastInsertRowid);
    audit.append({
      kind: 'step',
      at,
      runId: e.runId,
      stepId: e.stepId,
      attempt: e.attempt,
      result: e.status,
      errorNumber: e.error?.number ?? null,
      data: { stepStateId: id, detail, error },
    });
  });

  return {
    intent: (e) => intent.immediate(e),
    outcome: (e) => outcome.immediate(e),
    step: (e) => step.immediate(e),
    steps(runId) {
      const latest = new Map<string, StepState>();
      for (const row of stepsOf.all(runId) as StepRow[]) latest.set(row.step_id, stepStateOf(row));
      return [...latest.values()];
    },
    forRun: (runId) => (entriesOf.all(runId) as EntryRow[]).map(entryOf),
    inDoubt: (runId) => (inDoubtOf.all(runId) as EntryRow[]).map(entryOf),
  };
}
