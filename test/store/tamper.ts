// Tampering the way someone with the file and a sqlite3 shell would: a raw connection that drops
// the append-only triggers first.
import Database from 'better-sqlite3';
import type { Store } from '../../store/index.js';

export function fillAudit(store: Store, count: number): void {
  for (let i = 1; i <= count; i += 1) {
    store.audit.append({ kind: 'statement', target: 'principal', server: 'SQLA', sql: `SELECT ${i}`, result: 'ok', data: { i } });
  }
}

export function tamper(path: string, sql: string): void {
  const raw = new Database(path);
  raw.exec(
    'DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete; DROP TRIGGER IF EXISTS audit_head_forward; DROP TRIGGER IF EXISTS audit_head_no_delete;',
  );
  raw.exec(sql);
  raw.close();
}
