// The append-only, hash-chained audit trail.
import type Database from 'better-sqlite3';
import { GENESIS_HASH, hashOf, type AuditRow } from './audit-chain.js';
import { verifyChain } from './audit-verify.js';
import { exportAudit } from './audit-export.js';
import { nowIso } from './clock.js';
import { maskedJson, maskedText } from './secret-guard.js';
import { currentHost, currentOsUser } from './who.js';
import { auditRecordOf } from './audit-record.js';
import type { AuditInput, AuditKind, AuditRecord, Store } from './types.js';

const KINDS: ReadonlySet<AuditKind> = new Set([
  'run-start', 'run-end', 'probe', 'intent', 'outcome', 'statement', 'confirmation', 'note', 'unlock', 'resume',
]);

export function createAudit(db: Database.Database): Store['audit'] {
  const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
  const runOperator = db.prepare('SELECT operator FROM runs WHERE id = ?').pluck();
  const insert = db.prepare(`INSERT INTO audit (seq, ts, run_id, kind, operator, os_user, host, target, server, step_id,
    attempt, sql, result, error_number, message, data, prev_hash, hash)
    VALUES (@seq, @ts, @run_id, @kind, @operator, @os_user, @host, @target, @server, @step_id,
    @attempt, @sql, @result, @error_number, @message, @data, @prev_hash, @hash)`);
  const moveHead = db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash');
  const byRun = db.prepare('SELECT * FROM audit WHERE run_id = ? ORDER BY seq');
  const osUser = currentOsUser();
  const host = currentHost();

  const appendTx = db.transaction((r: AuditInput): AuditRecord => {
    if (!KINDS.has(r.kind)) throw new TypeError(`unknown audit kind ${JSON.stringify(r.kind)}`);
    const last = head.get() as { seq: number; hash: string } | undefined;
    const runId = r.runId ?? null;
    const operator = r.operator ?? (runId === null ? undefined : (runOperator.get(runId) as string | undefined)) ?? osUser;
    const row: Omit<AuditRow, 'hash'> = {
      seq: (last?.seq ?? 0) + 1,
      ts: nowIso(),
      run_id: runId,
      kind: r.kind,
      operator: maskedText(operator, 'audit operator'),
      os_user: r.osUser ?? osUser,
      host: r.host ?? host,
      target: r.target ?? null,
      server: r.server ?? null,
      step_id: r.stepId ?? null,
      attempt: r.attempt ?? null,
      sql: maskedText(r.sql ?? null, 'audit sql'),
      result: r.result ?? null,
      error_number: r.errorNumber ?? null,
      message: maskedText(r.message ?? null, 'audit message'),
      data: maskedJson(r.data, 'audit data'),
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const full: AuditRow = { ...row, hash: hashOf(row) };
    insert.run(full);
    moveHead.run(full.seq, full.hash);
    return auditRecordOf(full);
  });

  return {
    append: (r) => appendTx.immediate(r),
    verify: () => verifyChain(db),
    export: (format, options, write) => exportAudit(db, format, options, write),
    forRun: (runId) => (byRun.all(runId) as AuditRow[]).map(auditRecordOf),
  };
}
