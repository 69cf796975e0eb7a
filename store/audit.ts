// The append-only, hash-chained audit trail.
import type Database from 'better-sqlite3';
import { GENESIS_HASH, AUDIT_COLUMNS, HASH, KEYED, SELECT_AUDIT, hashOf, type AuditRow } from './audit-chain.js';
import { verifyChain } from './audit-verify.js';
import { proveDb } from './audit-proof.js';
import { exportAudit } from './audit-export.js';
import { nowIso } from './clock.js';
import { maskedJson, maskedText } from './secret-guard.js';
import { currentHost, currentOsUser } from './who.js';
import { auditRecordOf } from './audit-record.js';
import { StoreError, type AuditHead, type AuditInput, type AuditKind, type AuditRecord, type Store } from './types.js';

const KINDS: ReadonlySet<AuditKind> = new Set([
  'run-start',
  'run-end',
  'probe',
  'intent',
  'outcome',
  'statement',
  'confirmation',
  'note',
  'unlock',
  'resume',
  'step',
  'anchor',
]);

export function createAudit(db: Database.Database, options: { key?: Buffer; walBytes: number; viewPath?: string }): Store['audit'] {
  const { key } = options;
  const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
  const runOperator = db.prepare('SELECT operator FROM runs WHERE id = ?').pluck();
  const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`);
  const moveHead = db.prepare(
    'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  const byRun = db.prepare(`${SELECT_AUDIT} WHERE run_id = ? ORDER BY seq`).raw();
  // A run's operator never changes: asked once per run, not once per record.
  const operators = new Map<string, string | undefined>();
  const operatorOf = (runId: string): string | undefined => {
    if (!operators.has(runId)) {
      const operator = runOperator.get(runId) as string | undefined;
      if (operator === undefined) return undefined;
      operators.set(runId, operator);
    }
    return operators.get(runId);
  };
  const osUser = currentOsUser();
  const host = currentHost();

  const appendTx = db.transaction((r: AuditInput): AuditRecord => {
    if (!KINDS.has(r.kind)) throw new TypeError(`unknown audit kind ${JSON.stringify(r.kind)}`);
    const last = head.get() as { seq: number; hash: string } | undefined;
    // Without the key, a record after a signed one would read as a chain rebuilt without it.
    if (!key && last?.hash.startsWith(KEYED)) {
      throw new StoreError(
        'audit-key-missing',
        `the store's audit trail is signed with an audit key (audit.key) and this command was given none: nothing was written`,
        'run it with the config that sets audit.key (--config FILE), or give the same file: / env: source',
      );
    }
    const runId = r.runId ?? null;
    const operator = r.operator ?? (runId === null ? undefined : operatorOf(runId)) ?? osUser;
    const seq = (last?.seq ?? 0) + 1;
    const row: AuditRow = [
      seq,
      r.at ?? nowIso(),
      runId,
      r.kind,
      maskedText(operator, 'audit operator'),
      r.osUser ?? osUser,
      r.host ?? host,
      r.target ?? null,
      r.server ?? null,
      r.stepId ?? null,
      r.attempt ?? null,
      maskedText(r.sql ?? null, 'audit sql'),
      r.result ?? null,
      r.errorNumber ?? null,
      maskedText(r.message ?? null, 'audit message'),
      maskedJson(r.data, 'audit data'),
      last?.hash ?? GENESIS_HASH,
      '',
      r.pid ?? process.pid,
    ];
    row[HASH] = hashOf(db, row, key);
    insert.run(row);
    moveHead.run(seq, row[HASH]);
    return auditRecordOf(row);
  });

  return {
    append: (r) => appendTx.immediate(r),
    verify: () => verifyChain(db, key ? { key } : {}),
    head: () => (head.get() as AuditHead | undefined) ?? { seq: 0, hash: GENESIS_HASH },
    prove: () => proveDb(db, options),
    export: (format, exportOptions, write) => exportAudit(db, format, exportOptions, write, () => proveDb(db, options)),
    forRun: (runId) => (byRun.all(runId) as AuditRow[]).map(auditRecordOf),
  };
}
