import type { AuditRow } from './audit-chain.js';
import type { AuditKind, AuditRecord, Target } from './types.js';

export function auditRecordOf(row: AuditRow): AuditRecord {
  const [seq, ts, runId, kind, operator, osUser, host, target, server, stepId, attempt, sql, result, errorNumber, message, data, prevHash, hash, pid] = row;
  return {
    seq,
    ts,
    runId,
    kind: kind as AuditKind,
    operator,
    osUser,
    host,
    target: target as Target | null,
    server,
    stepId,
    attempt,
    sql,
    result,
    errorNumber,
    message,
    data: data === null ? null : JSON.parse(data),
    prevHash,
    hash,
    pid: pid ?? null,
  };
}
