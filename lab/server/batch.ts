// Runs one parsed batch statement by statement, as SQL Server does: each statement ends with a
// DONE; a statement error is reported and the batch goes on, except for the errors that abort the
// batch (name resolution, conversion, USE of an unusable database, severity ≥ 20); ATTENTION
// stops the running statement and the rest of the batch.

import { SqlError } from '../errors.js';
import type { InstanceState } from '../model.js';
import type { Statement } from '../sql/ast.js';
import type { Typed } from '../sql/catalog.js';
import type { ResponseItem, SessionInfo } from '../tds/handler.js';
import type { LiveSession } from '../catalog/context.js';
import type { ExecEnv } from './env.js';
import type { InstanceRuntime } from './runtime.js';
import type { BatchVariables } from '../sql/variables.js';
import { rollbackAll, runTransactionAction, type TransactionScope, type TransactionState } from './transactions.js';
import { startsImplicitTransaction } from './implicit-transactions.js';
import { RaisedError } from './raised-errors.js';
import { dateOrderScope } from '../instance/sql-date.js';
import { sessionDateOrder, sessionLanguage } from './date-language.js';
import { caughtByTry, refuseWriteWhenDoomed, TryCaught, type ErrorHandling } from './try-catch.js';

/** Errors after which SQL Server abandons the rest of the batch. */
const BATCH_ABORTING = new Set([137, 207, 208, 241, 242, 245, 911, 8114, 8115, 8169]);

/** Thrown to stop the batch; the client already has the message. */
export class BatchAborted extends Error {}

export interface SessionSettings {
  transaction: TransactionState;
  nocount: boolean;
  /** SET options by name ('XACT_ABORT' → 'ON' …). */
  options: Map<string, string>;
}

export function optionOn(settings: SessionSettings, option: string): boolean {
  return settings.options.get(option) === 'ON';
}

export function transactionScope(ctx: BatchContext): TransactionScope {
  return { instance: ctx.instance, transaction: ctx.settings.transaction, live: ctx.live, changed: () => ctx.runtime.changed() };
}

export interface BatchContext {
  runtime: InstanceRuntime;
  instance: InstanceState;
  session: SessionInfo;
  live: LiveSession;
  settings: SessionSettings;
  emit(item: ResponseItem): void;
  signal: AbortSignal;
  variables: BatchVariables;
  /** @@ROWCOUNT and @@ERROR as the last statement left them. */
  last: { rowCount: number; error: number };
  /** Numbers of the errors (class ≥ 11) sent, for the batch log. */
  errors: number[];
  /** 0 for the batch, one more for each sp_executesql inside it. */
  level: number;
  /** The enclosing TRY and CATCH blocks, shared with the dynamic SQL the batch runs. */
  handling: ErrorHandling;
  /** The system procedure running, for ERROR_PROCEDURE(); null in the batch itself. */
  procedure: string | null;
  /** Runs one statement of the kind the batch runner does not know itself. */
  execute(ctx: BatchContext, statement: Statement, env: ExecEnv): Promise<void>;
}

export function sessionVariable(ctx: BatchContext, name: string): Typed | undefined {
  switch (name.toUpperCase()) {
    case '@@TRANCOUNT':
      return { value: ctx.settings.transaction.trancount, type: { type: 'int' } };
    case '@@ROWCOUNT':
      return { value: ctx.last.rowCount, type: { type: 'int' } };
    case '@@ERROR':
      return { value: ctx.last.error, type: { type: 'int' } };
    case '@@LANGUAGE':
      return { value: sessionLanguage(ctx), type: { type: 'nvarchar', length: 128 } };
    default:
      return ctx.variables.get(name);
  }
}

export function makeEnv(ctx: BatchContext, line: number): ExecEnv {
  return {
    lab: ctx.runtime.lab,
    instance: ctx.instance,
    session: ctx.session,
    line,
    emit: ctx.emit,
    signal: ctx.signal,
    now: () => ctx.runtime.now(),
    work: (ms) => abortableDelay(ms, ctx.signal),
    changed: () => ctx.runtime.changed(),
    info: (number, message) => ctx.emit({ kind: 'message', message: { number, state: 1, class: 0, message, line } }),
  };
}

export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function report(ctx: BatchContext, error: SqlError, line: number): void {
  for (const e of [error, ...error.followUps]) {
    ctx.emit({ kind: 'message', message: { number: e.number, state: e.state, class: e.class, message: e.message, line } });
    if (e.class >= 11) ctx.errors.push(e.number);
  }
}

const COMMANDS: Partial<Record<Statement['kind'], string>> = {
  select: 'SELECT',
  use: 'USE',
  backup: 'BACKUP DATABASE',
  restore: 'RESTORE DATABASE',
  restoreInfo: 'RESTORE HEADERONLY',
  alterDatabase: 'ALTER DATABASE',
  createDatabase: 'CREATE DATABASE',
  dropDatabase: 'DROP DATABASE',
  waitfor: 'WAITFOR',
  exec: 'EXECUTE',
  createTable: 'CREATE TABLE',
  insert: 'INSERT',
};

function commandOf(statement: Statement): string {
  if (statement.kind === 'backup') return statement.target === 'LOG' ? 'BACKUP LOG' : 'BACKUP DATABASE';
  if (statement.kind === 'restore') return statement.target === 'LOG' ? 'RESTORE LOG' : 'RESTORE DATABASE';
  return COMMANDS[statement.kind] ?? 'EXECUTE';
}

/** Runs statements in order; throws BatchAborted when the batch must stop. */
export async function runStatements(ctx: BatchContext, statements: Statement[]): Promise<void> {
  for (const statement of statements) {
    if (ctx.signal.aborted) throw new BatchAborted();
    await runStatement(ctx, statement);
  }
}

export async function runStatement(ctx: BatchContext, statement: Statement): Promise<void> {
  // Control flow statements run their children through here, so each child reports for itself.
  if (statement.kind === 'block') return runStatements(ctx, statement.statements);
  const env = makeEnv(ctx, statement.line);
  ctx.live.running = { command: commandOf(statement), startTime: ctx.runtime.now(), database: ctx.session.database };
  try {
    // SET IMPLICIT_TRANSACTIONS ON: the statements the docs list begin a transaction when none is open.
    if (optionOn(ctx.settings, 'IMPLICIT_TRANSACTIONS') && ctx.settings.transaction.trancount === 0 && startsImplicitTransaction(statement)) {
      runTransactionAction(transactionScope(ctx), 'BEGIN');
    }
    refuseWriteWhenDoomed(ctx, statement);
    await dateOrderScope.run({ order: () => sessionDateOrder(ctx) }, () => ctx.execute(ctx, statement, env));
    if (!['select', 'if', 'exec', 'tryCatch'].includes(statement.kind)) ctx.last.error = 0;
  } catch (error) {
    if (ctx.signal.aborted) throw new BatchAborted();
    if (error instanceof BatchAborted || error instanceof TryCaught) throw error;
    if (error instanceof SqlError && caughtByTry(ctx, error)) {
      // Inside TRY an error that XACT_ABORT would roll back leaves the transaction uncommittable.
      if (xactAbortApplies(ctx, error) && ctx.settings.transaction.trancount > 0) ctx.settings.transaction.doomed = true;
      const procedure = statement.kind === 'exec' ? (statement.procedure.at(-1) ?? null) : ctx.procedure;
      throw new TryCaught({ error, line: statement.line, procedure });
    }
    const sqlError = error instanceof SqlError ? error : internalError(error);
    report(ctx, sqlError, statement.line);
    ctx.last.error = sqlError.number;
    ctx.last.rowCount = 0;
    ctx.emit({ kind: 'done', command: statement.kind === 'select' ? 'select' : 'other', error: true });
    // SET XACT_ABORT ON: a run-time error rolls the whole transaction back and ends the batch
    // (RAISERROR does not honour it; "SET XACT_ABORT (Transact-SQL)").
    if (xactAbortApplies(ctx, sqlError)) {
      if (ctx.settings.transaction.trancount > 0) rollbackAll(transactionScope(ctx));
      throw new BatchAborted();
    }
    const thrown = sqlError instanceof RaisedError && sqlError.endsBatch;
    if (BATCH_ABORTING.has(sqlError.number) || sqlError.class >= 20 || thrown || !(error instanceof SqlError)) throw new BatchAborted();
  } finally {
    ctx.live.running = null;
  }
}

function xactAbortApplies(ctx: BatchContext, error: SqlError): boolean {
  return optionOn(ctx.settings, 'XACT_ABORT') && error.class >= 11 && !(error instanceof RaisedError && !error.honoursXactAbort);
}

/** A bug in the lab, not an answer SQL Server would give: say so plainly and stop the batch. */
function internalError(error: unknown): SqlError {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`lab: internal error while running a statement: ${text}\n`);
  return new SqlError(50000, `Internal lab error: ${error instanceof Error ? error.message : String(error)}`, { class: 16 });
}
