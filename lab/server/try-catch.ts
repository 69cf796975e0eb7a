// TRY…CATCH as documented (learn.microsoft.com "TRY...CATCH (Transact-SQL)", "XACT_STATE
// (Transact-SQL)", "THROW (Transact-SQL)", "ERROR_NUMBER" … "ERROR_PROCEDURE"):
//   - a TRY block catches every execution error of severity 11–19 (20 and above close the
//     connection); messages of severity 10 or less are not errors and pass through;
//   - compile errors and deferred name resolution (137, 207, 208) are not caught when they happen at
//     the TRY's own level, only from a lower one (sp_executesql inside the TRY);
//   - a caught error is not sent to the client; control passes to the CATCH block, where ERROR_*()
//     describe it (NULL outside a CATCH; the innermost one when CATCH blocks nest) and THROW
//     without arguments raises it again;
//   - an error that would end the transaction outside a TRY (SET XACT_ABORT ON) leaves it
//     uncommittable inside one: XACT_STATE() = -1, reads only, COMMIT 3930, a savepoint rollback
//     3931; the batch's end rolls it back with 3998.

import { SqlError } from '../errors.js';
import type { Statement, TryCatchStatement } from '../sql/ast.js';
import type { Typed } from '../sql/catalog.js';
import type { BatchContext } from './batch.js';

/** An error a TRY block took: what the CATCH block's ERROR_*() functions answer. */
export interface CaughtError {
  error: SqlError;
  line: number;
  /** The system procedure the error came from (ERROR_PROCEDURE); null in a batch. */
  procedure: string | null;
}

/** Shared by a batch and the dynamic SQL it runs (sp_executesql is one level down). */
export interface ErrorHandling {
  /** The level of each enclosing TRY block, innermost last. */
  tryLevels: number[];
  /** The errors of the enclosing CATCH blocks, innermost last. */
  caught: CaughtError[];
}

export const newErrorHandling = (): ErrorHandling => ({ tryLevels: [], caught: [] });

/** Carries a caught error from the failing statement to its TRY block. */
export class TryCaught extends Error {
  constructor(readonly caught: CaughtError) {
    super(caught.error.message);
  }
}

/** Compile-time and deferred-name-resolution errors: caught only from a lower level. */
const COMPILE_ERRORS = new Set([137, 207, 208]);

export function caughtByTry(ctx: BatchContext, error: SqlError): boolean {
  const level = ctx.handling.tryLevels.at(-1);
  if (level === undefined || error.class <= 10 || error.class >= 20) return false;
  return !(level === ctx.level && COMPILE_ERRORS.has(error.number));
}

export async function executeTryCatch(
  ctx: BatchContext,
  statement: TryCatchStatement,
  run: (ctx: BatchContext, statements: Statement[]) => Promise<void>,
): Promise<void> {
  const handling = ctx.handling;
  let caught: CaughtError | undefined;
  handling.tryLevels.push(ctx.level);
  try {
    await run(ctx, statement.tryBlock);
  } catch (error) {
    if (!(error instanceof TryCaught)) throw error;
    caught = error.caught;
  } finally {
    handling.tryLevels.pop();
  }
  if (!caught) return;
  // @@ERROR at the start of the CATCH block is the caught error's number.
  ctx.last.error = caught.error.number;
  handling.caught.push(caught);
  try {
    await run(ctx, statement.catchBlock);
  } finally {
    handling.caught.pop();
  }
}

/** The error THROW; raises again inside a CATCH block, or undefined outside one. */
export function errorToRethrow(ctx: BatchContext): SqlError | undefined {
  return ctx.handling.caught.at(-1)?.error;
}

const INT = { type: 'int' } as const;

/** ERROR_NUMBER() … ERROR_PROCEDURE() and XACT_STATE(): functions of the session, not the catalog. */
export function sessionFunction(ctx: BatchContext, name: string): Typed | undefined {
  const current = ctx.handling.caught.at(-1);
  switch (name) {
    case 'ERROR_NUMBER':
      return { value: current?.error.number ?? null, type: INT };
    case 'ERROR_SEVERITY':
      return { value: current?.error.class ?? null, type: INT };
    case 'ERROR_STATE':
      return { value: current?.error.state ?? null, type: INT };
    case 'ERROR_LINE':
      return { value: current?.line ?? null, type: INT };
    case 'ERROR_MESSAGE':
      return { value: current?.error.message ?? null, type: { type: 'nvarchar', length: 4000 } };
    case 'ERROR_PROCEDURE':
      return { value: current?.procedure ?? null, type: { type: 'nvarchar', length: 128 } };
    case 'XACT_STATE': {
      const t = ctx.settings.transaction;
      return { value: t.trancount === 0 ? 0 : t.doomed ? -1 : 1, type: { type: 'smallint' } };
    }
    default:
      return undefined;
  }
}

/** Statements that write: refused in an uncommittable transaction. */
const WRITES = new Set<Statement['kind']>([
  'createMasterKey',
  'dropMasterKey',
  'createCertificate',
  'backupCertificate',
  'dropCertificate',
  'createEndpoint',
  'alterEndpoint',
  'dropEndpoint',
  'createLogin',
  'alterLogin',
  'dropLogin',
  'createUser',
  'dropUser',
  'permission',
  'alterServerRole',
  'alterRole',
  'createDatabase',
  'dropDatabase',
  'alterDatabase',
  'backup',
  'restore',
  'createTable',
  'alterTableAdd',
  'dropTable',
  'insert',
  'createDatabaseEncryptionKey',
  'dropDatabaseEncryptionKey',
  'reconfigure',
]);

export const uncommittable = (): SqlError =>
  new SqlError(3930, 'The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction.');

export function refuseWriteWhenDoomed(ctx: BatchContext, statement: Statement): void {
  if (ctx.settings.transaction.doomed && WRITES.has(statement.kind)) throw uncommittable();
}
