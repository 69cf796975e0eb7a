// Streams the audit trail as NDJSON, CSV (RFC 4180) or a Markdown change-board report, one pass
// over the rows with `.iterate()`, so a million records never sit in memory at once.
import type Database from 'better-sqlite3';
import { SELECT_AUDIT, SELECT_AUDIT_CSV, SELECT_AUDIT_JSON, type AuditRow } from './audit-chain.js';
import { auditRecordOf } from './audit-record.js';
import { KEYED } from './audit-chain.js';
import { visible } from './visible-text.js';
import { runRecordOf, type RunRow } from './runs.js';
import type { AuditRecord, ExportFormat, RunRecord, StepState, StoreProof } from './types.js';

type Write = (chunk: string) => void;

const COLUMNS = [
  'seq',
  'ts',
  'runId',
  'kind',
  'operator',
  'osUser',
  'host',
  'target',
  'server',
  'stepId',
  'attempt',
  'sql',
  'result',
  'errorNumber',
  'message',
  'data',
  'prevHash',
  'hash',
  'pid',
] as const satisfies readonly (keyof AuditRecord)[];

export function exportAudit(db: Database.Database, format: ExportFormat, options: { runId?: string }, write: Write, prove: () => StoreProof): number {
  const out = buffered(write);
  let count = 0;
  if (format === 'md') {
    count = markdownReport(db, options.runId, out.write, prove);
  } else {
    if (format === 'csv') out.write(COLUMNS.join(',') + '\r\n');
    const end = format === 'csv' ? '\r\n' : '\n';
    for (const line of lines(db, format === 'csv' ? SELECT_AUDIT_CSV : SELECT_AUDIT_JSON, options.runId)) {
      out.write(line + end);
      count += 1;
    }
  }
  out.flush();
  return count;
}

/** Hands `write` chunks of about 64 KiB: a million tiny writes to a pipe cost more than the export. */
function buffered(write: Write): { write: Write; flush(): void } {
  let parts: string[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length > 0) write(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write(chunk) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= 65536) flush();
    },
    flush,
  };
}

function lines(db: Database.Database, select: string, runId: string | undefined): IterableIterator<string> {
  return (
    runId === undefined ? db.prepare(`${select} ORDER BY seq`).pluck().iterate() : db.prepare(`${select} WHERE run_id = ? ORDER BY seq`).pluck().iterate(runId)
  ) as IterableIterator<string>;
}

function auditRows(db: Database.Database, runId: string | undefined): IterableIterator<AuditRow> {
  return (
    runId === undefined
      ? db.prepare(`${SELECT_AUDIT} ORDER BY seq`).raw().iterate()
      : db.prepare(`${SELECT_AUDIT} WHERE run_id = ? ORDER BY seq`).raw().iterate(runId)
  ) as IterableIterator<AuditRow>;
}

function markdownReport(db: Database.Database, runId: string | undefined, write: Write, prove: () => StoreProof): number {
  const runs =
    runId === undefined
      ? (db.prepare('SELECT * FROM runs ORDER BY rowid').all() as RunRow[])
      : (db.prepare('SELECT * FROM runs WHERE id = ?').all(runId) as RunRow[]);
  write(runId === undefined ? '# mirrorbook audit report\n\n' : `# mirrorbook audit report — run ${runId}\n\n`);
  let count = 0;
  for (const row of runs) count += runSection(db, runRecordOf(row), write);
  if (runId === undefined) count += outsideRuns(db, write);
  if (runs.length === 0 && runId !== undefined) write(`No run ${runId} in this store.\n\n`);
  const proof = prove();
  const verification = proof.chain;
  write('## Audit chain verification\n\n');
  write(
    verification.ok
      ? `Intact: ${verification.count} records verified, each linked to the one before it by ${verification.head.hash.startsWith(KEYED) ? 'HMAC-SHA-256 (audit key)' : 'SHA-256'}. Head: seq ${verification.head.seq}, \`${verification.head.hash}\`.\n`
      : `**BROKEN** at seq ${verification.firstBad.seq} (${verification.firstBad.problem}): ${cell(verification.firstBad.detail)}. ` +
          `${verification.count} records before it verified.\n`,
  );
  if (proof.findings.length > 0) {
    write(`\n**The store does not match its chain** (the sections above may show altered values):\n\n`);
    for (const f of proof.findings) write(`- ${f.problem}: ${cell(f.detail)}\n`);
  }
  for (const note of proof.notes) write(`\nNote: ${note}.\n`);
  write('\nChecked from the store alone; `mirrorbook audit verify` also checks the anchors on the servers.\n');
  return count;
}

/** The run's header, from its hashed run-start and last run-end / resume records only: a changed
 * runs row cannot put another operator or command on the report. */
function runSection(db: Database.Database, run: RunRecord, write: Write): number {
  const startRow = db.prepare(`${SELECT_AUDIT} WHERE run_id = ? AND kind = 'run-start' ORDER BY seq LIMIT 1`).raw().get(run.id) as AuditRow | undefined;
  const lastRow = db.prepare(`${SELECT_AUDIT} WHERE run_id = ? AND kind IN ('run-end', 'resume') ORDER BY seq DESC LIMIT 1`).raw().get(run.id) as
    | AuditRow
    | undefined;
  const start = startRow && auditRecordOf(startRow);
  const last = lastRow && auditRecordOf(lastRow);
  const data = (start?.data ?? {}) as { procedure?: string; pairKey?: string; pid?: number; argv?: string[]; definitionHash?: string };
  const ended = last?.kind === 'run-end';
  const exitCode = ended ? ((last.data as { exitCode?: number | null } | null)?.exitCode ?? null) : null;
  const missing = '(no audit record)';
  write(`## Run ${run.id}\n\n| | |\n|---|---|\n`);
  const header: [string, string][] = [
    ['Procedure', data.procedure ?? missing],
    ['Pair', data.pairKey ?? missing],
    ['Operator', start ? `${start.operator} (${start.osUser}@${start.host}${data.pid === undefined ? '' : `, pid ${data.pid}`})` : missing],
    ['Command', data.argv ? data.argv.join(' ') : missing],
    ['Started', start?.ts ?? missing],
    ['Ended', ended ? last.ts : '—'],
    ['Outcome', ended ? `${last.result ?? ''}${exitCode === null ? '' : ` (exit ${exitCode})`}` : start ? 'running' : missing],
    ['Definition hash', data.definitionHash ? `\`${data.definitionHash}\`` : missing],
  ];
  for (const [k, v] of header) write(`| ${k} | ${cell(v)} |\n`);

  const states = new Map<string, StepState>();
  for (const s of db
    .prepare('SELECT step_id, status, attempt, detail, error_number, error_message, at FROM step_states WHERE run_id = ? ORDER BY id')
    .iterate(run.id) as IterableIterator<{
    step_id: string;
    status: StepState['status'];
    attempt: number;
    detail: string | null;
    error_number: number | null;
    error_message: string | null;
    at: string;
  }>) {
    states.set(s.step_id, {
      runId: run.id,
      stepId: s.step_id,
      status: s.status,
      attempt: s.attempt,
      at: s.at,
      ...(s.detail === null ? {} : { detail: s.detail }),
      ...(s.error_message === null ? {} : { error: { ...(s.error_number === null ? {} : { number: s.error_number }), message: s.error_message } }),
    });
  }
  write('\n### Steps\n\n| # | Step | Target | Status | Attempts | Detail |\n|---|---|---|---|---|---|\n');
  run.definition.steps.forEach((step, i) => {
    const state = states.get(step.id);
    const flags = [step.manual ? 'manual' : '', step.destructive ? 'destructive' : ''].filter(Boolean).join(', ');
    const detail = state?.error ? `${state.error.number === undefined ? '' : `error ${state.error.number}: `}${state.error.message}` : (state?.detail ?? '');
    write(
      `| ${i + 1} | ${cell(`${step.title} (\`${step.id}\`)${flags ? ` — ${flags}` : ''}`)} | ${step.target} | ${state?.status ?? 'not run'} | ${state?.attempt ?? ''} | ${cell(detail)} |\n`,
    );
  });

  const statements: AuditRecord[] = [];
  const remarks: AuditRecord[] = [];
  const outcomes = new Map<number, AuditRecord>();
  let count = 0;
  write('\n### Audit records\n\n| seq | time | kind | step | server | result | message |\n|---|---|---|---|---|---|---|\n');
  for (const row of auditRows(db, run.id)) {
    const r = auditRecordOf(row);
    count += 1;
    const server = r.server ?? r.target ?? '';
    const result = r.errorNumber === null ? (r.result ?? '') : `${r.result ?? 'error'} ${r.errorNumber}`;
    write(`| ${r.seq} | ${r.ts} | ${r.kind} | ${cell(r.stepId ?? '')} | ${cell(server)} | ${cell(result)} | ${cell(r.message ?? '')} |\n`);
    if (r.sql !== null) statements.push(r);
    const intentId = intentIdOf(r);
    if (r.kind === 'outcome' && intentId !== undefined) outcomes.set(intentId, r);
    if (r.kind === 'confirmation' || r.kind === 'note') remarks.push(r);
  }

  write('\n### Statements\n\n');
  if (statements.length === 0) write('None.\n');
  for (const r of statements) {
    const where = [r.target, r.server].filter(Boolean).join(' ');
    // An intent's result is its outcome, written later; no outcome means the statement is in doubt.
    const outcome = r.kind === 'intent' ? outcomes.get(intentIdOf(r) ?? -1) : r;
    const result = outcome?.result ?? (r.kind === 'intent' ? 'in doubt (no outcome recorded)' : '—');
    const errorNumber = outcome?.errorNumber ?? null;
    const message = outcome?.message ?? null;
    write(
      `- seq ${r.seq}, ${r.ts}, step \`${r.stepId ?? '—'}\` on ${where || '—'}: **${result}**` +
        `${errorNumber === null ? '' : ` — error ${errorNumber}`}${message ? ` — ${visible(message.replaceAll('\n', ' '))}` : ''}\n\n`,
    );
    write(
      `  \`\`\`sql\n${visible(r.sql!)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}\n  \`\`\`\n\n`,
    );
  }

  write('\n### Confirmations and notes\n\n');
  if (remarks.length === 0) write('None.\n');
  for (const r of remarks) {
    write(
      `- ${r.ts} ${r.kind} by ${r.operator} (${r.osUser}@${r.host})${r.stepId ? ` at step \`${r.stepId}\`` : ''}: ${visible((r.message ?? r.result ?? '').replaceAll('\n', ' '))}\n`,
    );
  }
  write('\n');
  return count;
}

function outsideRuns(db: Database.Database, write: Write): number {
  let count = 0;
  for (const row of db.prepare(`${SELECT_AUDIT} WHERE run_id IS NULL ORDER BY seq`).raw().iterate() as IterableIterator<AuditRow>) {
    if (count === 0) write('## Records outside any run\n\n| seq | time | kind | who | result | message |\n|---|---|---|---|---|---|\n');
    const r = auditRecordOf(row);
    write(
      `| ${r.seq} | ${r.ts} | ${r.kind} | ${cell(`${r.operator} (${r.osUser}@${r.host})`)} | ${cell(r.result ?? '')} | ${cell(`${r.message ?? ''} ${r.data === null ? '' : JSON.stringify(r.data)}`.trim())} |\n`,
    );
    count += 1;
  }
  if (count > 0) write('\n');
  return count;
}

function intentIdOf(r: AuditRecord): number | undefined {
  const id = (r.data as { intentId?: unknown } | null)?.intentId;
  return typeof id === 'number' ? id : undefined;
}

function cell(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => visible(line).replaceAll('\\', '\\\\').replaceAll('|', '\\|'))
    .join('<br>');
}
