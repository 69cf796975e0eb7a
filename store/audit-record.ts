import type { AuditRow } from './audit-chain.js';
import type { AuditKind, AuditRecord, Target } from './types.js';

export function auditRecordOf(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    ts: row.ts,
    runId: row.run_id,
    kind: row.kind as AuditKind,
    operator: row.operator,
    osUser: row.os_user,
    host: row.host,
    target: row.target as Target | null,
    server: row.server,
    stepId: row.step_id,
    attempt: row.attempt,
    sql: row.sql,
    result: row.result,
    errorNumber: row.error_number,
    message: row.message,
    data: row.data === null ? null : JSON.parse(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
