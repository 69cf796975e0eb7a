// The pure part of the audit trail: each record's hash covers the previous record's hash and a
// canonical serialisation of every one of its fields, so any edit, deletion, insertion or
// reordering breaks a link. Rows travel as arrays in AUDIT_COLUMNS order: verifying and exporting
// a million records is mostly this loop, and raw rows are about twice as fast as objects.
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** Every field the hash covers, in hashing order, then the two chain fields. `data` is JSON text. */
export const AUDIT_COLUMNS = [
  'seq', 'ts', 'run_id', 'kind', 'operator', 'os_user', 'host', 'target', 'server', 'step_id', 'attempt',
  'sql', 'result', 'error_number', 'message', 'data', 'prev_hash', 'hash',
] as const;

export const HASHED_FIELDS = 16;
export const SELECT_AUDIT = `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit`;

export type AuditRow = [
  seq: number, ts: string, runId: string | null, kind: string, operator: string, osUser: string, host: string,
  target: string | null, server: string | null, stepId: string | null, attempt: number | null, sql: string | null,
  result: string | null, errorNumber: number | null, message: string | null, data: string | null,
  prevHash: string, hash: string,
];

export const SEQ = 0;
export const PREV_HASH = 16;
export const HASH = 17;

/** The hash a row must carry, given the row's own fields and its prev_hash. */
export function hashOf(row: readonly unknown[]): string {
  // One-shot crypto.hash is about three times faster than createHash for inputs this small.
  return hash('sha256', `${row[PREV_HASH] as string}\n${JSON.stringify(row.slice(0, HASHED_FIELDS))}`);
}
