// Fills a store with an audit trail of `count` records for bench/audit. The first records go
// through the store's own API (store.audit.append, many to a transaction), which gives the append
// rate; the rest through a bulk path that builds each row, hashes it with the store's chainHash
// over JSON.stringify of the hashed fields (for this plain-ASCII content exactly the json_array()
// text SQLite gives the store) and moves the chain head once per transaction: the same chain in a
// fraction of the time. The bench's `audit verify` proves every link.

import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { AUDIT_COLUMNS, HASH, chainHash, hashedFields, type AuditRow } from '../../store/audit-chain.js';
import { openStore } from '../../store/index.js';
import type { AuditInput, DefinitionSummary } from '../../store/index.js';

const RECORDS_PER_RUN = 10_000;
const PER_TRANSACTION = 10_000;

const definition: DefinitionSummary = {
  name: 'restore',
  title: 'Seed the mirror',
  steps: [
    {
      id: 'mirror.restore-log.Patriot',
      title: 'Restore the log backup on the mirror',
      target: 'mirror',
      manual: false,
      destructive: false,
      statements: [{ target: 'mirror', sql: "RESTORE LOG [Patriot] FROM DISK = N'\\\\SQLPRI01\\Backup\\Patriot_log.trn' WITH NORECOVERY" }],
    },
  ],
};

/** The records a procedure writes, in the proportions it writes them: probe, intent, statement, outcome. */
function record(runId: string, i: number): AuditInput {
  const common = {
    runId,
    target: i % 2 ? ('principal' as const) : ('mirror' as const),
    server: i % 2 ? 'SQLPRI01' : 'SQLMIR01',
    stepId: `mirror.restore-log.Patriot-${i % 97}`,
    attempt: 1,
  };
  switch (i % 4) {
    case 0:
      return { ...common, kind: 'probe', result: 'not-done', message: `Patriot RESTORING, last restored LSN ${41000000 + i}`, data: { done: false } };
    case 1:
      return { ...common, kind: 'intent', result: 'apply' };
    case 2:
      return {
        ...common,
        kind: 'statement',
        sql: `RESTORE LOG [Patriot] FROM DISK = N'\\\\SQLPRI01\\Backup\\Patriot_log_${i}.trn' WITH NORECOVERY, STATS = 10`,
        result: 'ok',
        data: { ms: i % 1000, rows: 0 },
      };
    default:
      return { ...common, kind: 'outcome', result: 'ok', message: 'restored, "Patriot" still RESTORING, 1 row, done' };
  }
}

const runIdOf = (k: number) => `bench-${String(Math.floor(k / RECORDS_PER_RUN)).padStart(6, '0')}`;

export interface Fill {
  /** Records per second through store.audit.append. */
  apiRate: number;
  apiRecords: number;
  /** Records per second through the bulk path. */
  bulkRate: number;
}

export function fillAudit(path: string, count: number, throughApi: number): Fill {
  const runs = Math.ceil(count / RECORDS_PER_RUN);
  const store = openStore(path);
  // Each run's creation writes its run-start record: records 1..runs.
  store.transaction(() => {
    for (let r = 0; r < runs; r++) {
      store.runs.create({
        id: runIdOf(r * RECORDS_PER_RUN),
        procedure: 'restore',
        pairKey: 'SQLPRI01|SQLMIR01',
        definitionHash: 'bench',
        definition,
        operator: 'bench',
        osUser: 'bench',
        host: 'bench',
        pid: process.pid,
        argv: ['run', 'restore'],
      });
    }
  });
  const apiRecords = Math.min(throughApi, count - runs);
  let k = runs;
  const apiStarted = performance.now();
  while (k < runs + apiRecords) {
    const end = Math.min(runs + apiRecords, k + PER_TRANSACTION);
    store.transaction(() => {
      for (; k < end; k++) store.audit.append(record(runIdOf(k), k));
    });
  }
  const apiMs = performance.now() - apiStarted;
  store.close();

  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`);
  const moveHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1');
  let head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string };
  const bulkStarted = performance.now();
  const bulk = db.transaction((end: number) => {
    for (; k < end; k++) {
      const r = record(runIdOf(k), k);
      const row: AuditRow = [
        head.seq + 1,
        new Date().toISOString(),
        r.runId ?? null,
        r.kind,
        'bench',
        'bench',
        'bench',
        r.target ?? null,
        r.server ?? null,
        r.stepId ?? null,
        r.attempt ?? null,
        r.sql ?? null,
        r.result ?? null,
        r.errorNumber ?? null,
        r.message ?? null,
        r.data === undefined ? null : JSON.stringify(r.data),
        head.hash,
        '',
        process.pid,
      ];
      row[HASH] = chainHash(head.hash, JSON.stringify(hashedFields(row)));
      insert.run(row);
      head = { seq: row[0], hash: row[HASH] };
    }
    moveHead.run(head.seq, head.hash);
  });
  while (k < count) bulk(Math.min(count, k + PER_TRANSACTION));
  const bulkMs = performance.now() - bulkStarted;
  db.close();
  return { apiRate: apiRecords / (apiMs / 1000), apiRecords, bulkRate: (count - runs - apiRecords) / (bulkMs / 1000) };
}
