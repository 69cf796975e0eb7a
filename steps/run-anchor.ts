// A run's anchor on the servers it touched: a row in msdb.dbo.mirrorbook_run_anchors and a line in
// the SQL Server error log (xp_logevent, which also reaches the Windows application event log and
// so a SIEM). Both hold the run id, procedure, operator, start and end, outcome and the audit
// chain's head (seq + hash) when the run ended; `audit verify` reads the rows back and
// cross-checks them with the store (store/anchor-check.ts). msdb because it is where SQL Server
// keeps its own history (backupset, restorehistory, sysjobhistory): a DBA backs it up, reads it
// with plain T-SQL and it is on every instance, mirrored database or not.
// https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/xp-logevent-transact-sql
import type { RunAnchor } from '../store/types.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { firstRow, type SqlTarget } from './step.js';
import { constantSql, lit, tsql, type Statement } from './tsql.js';

export const ANCHOR_TABLE = 'msdb.dbo.mirrorbook_run_anchors';
/** The table's columns; the least-privilege grant script creates it with these too (login-privileges.ts). */
export const ANCHOR_COLUMNS = `
    run_id nvarchar(64) NOT NULL, procedure_name nvarchar(128) NOT NULL, operator nvarchar(256) NOT NULL,
    started_at datetime2(3) NOT NULL, ended_at datetime2(3) NULL, outcome nvarchar(32) NOT NULL,
    head_seq bigint NOT NULL, head_hash varchar(80) NOT NULL, store_host nvarchar(256) NOT NULL,
    written_at datetime2(3) NOT NULL, store_id varchar(64) NULL`;
/** The error number of the error-log line: user-defined numbers are above 50,000. */
export const ANCHOR_EVENT = 60411;

const text = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
const sqlTime = (iso: string): string => iso.replace(/Z$/, '');

/** Creates the table on first use, inserts the anchor and writes the error-log line: one batch. */
export function anchorStatement(a: Omit<RunAnchor, 'server' | 'writtenAt'>): Statement {
  const line = `mirrorbook run ${a.runId} (${a.procedure}) by ${a.operator}: ${a.outcome}; audit head seq ${a.headSeq} ${a.headHash}`;
  return tsql`IF NOT EXISTS (SELECT 1 FROM msdb.sys.tables WHERE name = N'mirrorbook_run_anchors')
  CREATE TABLE msdb.dbo.mirrorbook_run_anchors (${constantSql(ANCHOR_COLUMNS)});
INSERT INTO msdb.dbo.mirrorbook_run_anchors (run_id, procedure_name, operator, started_at, ended_at, outcome, head_seq, head_hash, store_host, written_at, store_id)
  VALUES (${lit(a.runId)}, ${lit(text(a.procedure, 128))}, ${lit(text(a.operator, 256))}, ${lit(sqlTime(a.startedAt))}, ${a.endedAt === null ? tsql`NULL` : lit(sqlTime(a.endedAt))}, ${lit(a.outcome)}, ${a.headSeq}, ${lit(a.headHash)}, ${lit(text(a.storeHost, 256))}, SYSUTCDATETIME(), ${a.storeId === null ? tsql`NULL` : lit(a.storeId)});
EXEC master.dbo.xp_logevent ${ANCHOR_EVENT}, ${lit(text(line, 2048))}, ${lit('INFORMATIONAL')};`;
}

/** A table an earlier build created has no store_id column (nullable: its rows keep NULL). */
export const addStoreIdStatement = tsql`ALTER TABLE msdb.dbo.mirrorbook_run_anchors ADD store_id varchar(64) NULL`;

/** Writes the anchor; on a table without store_id (error 207: SQL Server compiles the batch
 * against the existing table, so nothing of it ran) adds the column and writes it again. */
export async function writeAnchor(query: (statement: Statement) => Promise<unknown>, anchor: Omit<RunAnchor, 'server' | 'writtenAt'>): Promise<void> {
  try {
    await query(anchorStatement(anchor));
  } catch (error) {
    if ((error as { number?: unknown }).number !== 207) throw error;
    await query(addStoreIdStatement);
    await query(anchorStatement(anchor));
  }
}

/** Every anchor on one server, whichever build created the table; error 208 (no table yet) means none. */
export const readAnchorsStatement = tsql`SELECT * FROM msdb.dbo.mirrorbook_run_anchors`;

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value));

export function anchorsFrom(server: string, rows: Record<string, unknown>[]): RunAnchor[] {
  return rows.map((r) => ({
    server,
    runId: String(r.run_id),
    procedure: String(r.procedure_name),
    operator: String(r.operator),
    startedAt: iso(r.started_at) ?? '',
    endedAt: iso(r.ended_at),
    outcome: String(r.outcome),
    headSeq: Number(r.head_seq),
    headHash: String(r.head_hash),
    storeHost: String(r.store_host),
    storeId: typeof r.store_id === 'string' && r.store_id !== '' ? r.store_id : null,
    writtenAt: iso(r.written_at) ?? '',
  }));
}

/** What `run cleanup --drop-anchors` types to confirm: the table it drops. */
export const DROP_ANCHORS_CONFIRM = 'mirrorbook_run_anchors';

/** Drops the anchors table on one partner: only with `run cleanup --drop-anchors`, confirmed. The
 * error-log lines stay (they are the server's), and the cleanup run anchors itself afterwards, so
 * who removed them, and when, is still on record. */
export function dropAnchors(target: SqlTarget): StepDefinition {
  const statement = tsql`IF EXISTS (SELECT 1 FROM msdb.sys.tables WHERE name = N'mirrorbook_run_anchors')
  DROP TABLE msdb.dbo.mirrorbook_run_anchors`;
  const probe = async (ctx: StepContext) => {
    const found = await firstRow(ctx, target, tsql`SELECT name FROM msdb.sys.tables WHERE name = N'mirrorbook_run_anchors'`);
    return found ? { done: false, detail: `${ANCHOR_TABLE} exists on the ${target}` } : { done: true, detail: `no ${ANCHOR_TABLE} on the ${target}` };
  };
  return {
    id: `cleanup.${target}.run-anchors`,
    title: `Drop the run anchors (${ANCHOR_TABLE}) on the ${target}`,
    target,
    destructive: {
      confirmText: DROP_ANCHORS_CONFIRM,
      consequences: `every run's record on this server goes: \`audit verify\` can no longer cross-check the store with it (an older copy of the store put back would go unnoticed); the error-log lines stay`,
    },
    probe,
    apply: async (ctx) => {
      await ctx.sql(target, statement);
    },
    verify: probe,
    plan: () => [{ target, tsql: statement }],
  };
}
