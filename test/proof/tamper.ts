// An adversary with the store file and a sqlite3 shell: drops every trigger that keeps history
// append-only, rewrites what it likes, and can rebuild the hash chain with the published algorithm
// (plain SHA-256; it has no audit key).
import Database from 'better-sqlite3';
import { SELECT_AUDIT, hashOf, type AuditRow } from '../../store/audit-chain.js';

export function tamper(file: string, sql: string): void {
  const db = new Database(file);
  for (const name of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) db.exec(`DROP TRIGGER "${name}"`);
  db.exec(sql);
  db.close();
}

/** Renumbers the records 1..n in their order and recomputes every link and the head without a key. */
export function rechain(file: string): void {
  tamper(
    file,
    `CREATE TEMP TABLE renumber AS SELECT seq AS old, row_number() OVER (ORDER BY seq) AS new FROM audit;
    UPDATE audit SET seq = -(SELECT new FROM renumber WHERE old = audit.seq);
    UPDATE audit SET seq = -seq;`,
  );
  const db = new Database(file);
  const rows = db.prepare(`${SELECT_AUDIT} ORDER BY seq`).raw().all() as AuditRow[];
  const update = db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?');
  db.transaction(() => {
    let prev = '0'.repeat(64);
    for (const row of rows) {
      row[16] = prev;
      row[17] = hashOf(db, row);
      update.run(prev, row[17], row[0]);
      prev = row[17];
    }
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(rows.length, prev);
  })();
  db.close();
}
