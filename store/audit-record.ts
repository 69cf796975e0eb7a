import type { AuditRow } from './audit-chain.js';
import type { AuditKind, AuditRecord, Target } from './types.js';

export function auditRecordOf(row: AuditRow): AuditRecord {
  const [seq, ts, runId, kind, operator, osUser, host, target, server, stepId, attempt, sql, result, errorNumber, message, data, prevHash, hash] = row;
  return {
    seq, ts, runId, kind: kind as AuditKind, operator, osUser, host, target: target as Target | null, server, stepId,
    attempt, sql, result, errorNumber, message, data: data === null ? null : JSON.parse(data), prevHash, hash,
  };
}

/** The NDJSON line of a row: the same fields as JSON.stringify(auditRecordOf(row)), with the stored
 * data JSON spliced in rather than parsed and serialised again. */
export function auditJsonLine(row: AuditRow): string {
  const [seq, ts, runId, kind, operator, osUser, host, target, server, stepId, attempt, sql, result, errorNumber, message, data, prevHash, hash] = row;
  const j = JSON.stringify;
  return `{"seq":${seq},"ts":${j(ts)},"runId":${j(runId)},"kind":${j(kind)},"operator":${j(operator)},"osUser":${j(osUser)},` +
    `"host":${j(host)},"target":${j(target)},"server":${j(server)},"stepId":${j(stepId)},"attempt":${j(attempt)},` +
    `"sql":${j(sql)},"result":${j(result)},"errorNumber":${j(errorNumber)},"message":${j(message)},"data":${data ?? 'null'},` +
    `"prevHash":${j(prevHash)},"hash":${j(hash)}}\n`;
}
