// The pure part of the audit trail: each record's hash covers the previous record's hash and a
// canonical serialisation of every one of its fields, so any edit, deletion, insertion or
// reordering breaks a link.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** An audit row as stored: `data` is JSON text. */
export interface AuditRow {
  seq: number;
  ts: string;
  run_id: string | null;
  kind: string;
  operator: string;
  os_user: string;
  host: string;
  target: string | null;
  server: string | null;
  step_id: string | null;
  attempt: number | null;
  sql: string | null;
  result: string | null;
  error_number: number | null;
  message: string | null;
  data: string | null;
  prev_hash: string;
  hash: string;
}

export function hashOf(row: Omit<AuditRow, 'hash'>): string {
  const fields = [
    row.seq, row.ts, row.run_id, row.kind, row.operator, row.os_user, row.host, row.target, row.server,
    row.step_id, row.attempt, row.sql, row.result, row.error_number, row.message, row.data,
  ];
  return createHash('sha256').update(row.prev_hash).update('\n').update(JSON.stringify(fields)).digest('hex');
}
