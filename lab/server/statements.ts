// One statement → the lab part that implements it: session statements here, security statements
// to lab/instance, storage to lab/storage, mirroring to lab/mirroring, SELECT to lab/sql.

import { setDateLanguage } from './date-language.js';
import { SqlError } from '../errors.js';
import type { Statement, WaitforStatement } from '../sql/ast.js';
import { toText } from '../sql/convert.js';
import { evaluateCondition, evaluateExpression } from '../sql/evaluate.js';
import { evaluateSelect } from '../sql/select.js';
import { createMasterKey, dropMasterKey } from '../instance/master-key.js';
import { dropCertificate } from '../instance/certificates.js';
import { dropEndpoint } from '../instance/endpoint.js';
import { dropLogin } from '../instance/logins.js';
import { dropUser } from '../instance/users.js';
import { currentDatabase } from '../instance/scope.js';
import { useDatabase } from '../instance/use-database.js';
import { authorize } from '../instance/authorization.js';
import { executeAlterDatabase } from '../storage/alter-database.js';
import { createDatabaseEncryptionKey, dropDatabaseEncryptionKey } from '../storage/database-encryption.js';
import { reconfigure } from '../instance/configuration.js';
import { addColumns, createTable, dropTable, insertRows } from '../storage/user-tables.js';
import { executeBackup, executeCreateDatabase, executeDropDatabase, executeRestore, executeRestoreInfo } from '../storage/statements.js';
import type { BatchContext } from './batch.js';
import { BatchAborted, runStatement, runStatements, transactionScope } from './batch.js';
import { executeTryCatch } from './try-catch.js';
import { runTransactionAction } from './transactions.js';
import { executeRaiserror, executeThrow } from './raise.js';
import type { ExecEnv } from './env.js';
import { executeProcedure } from './procedures.js';
import { catalogFor } from './catalog-context.js';
import {
  executeAlterEndpoint,
  executeAlterLogin,
  executeAlterServerRole,
  executeBackupCertificate,
  executeCreateCertificate,
  executeCreateEndpoint,
  executeCreateLogin,
  executeCreateUser,
  executePermission,
  executeAlterRole,
} from './security-statements.js';

const done = (ctx: BatchContext): void => ctx.emit({ kind: 'done', command: 'other' });

function notInTransaction(ctx: BatchContext, statement: string): void {
  if (ctx.settings.transaction.trancount > 0) throw new SqlError(226, `${statement} statement not allowed within multi-statement transaction.`);
}

function backupOutsideTransaction(ctx: BatchContext, command: string): void {
  if (ctx.settings.transaction.trancount > 0) {
    throw new SqlError(3021, 'Cannot perform a backup or restore operation within a transaction.', {
      followUps: [new SqlError(3013, `${command} is terminating abnormally.`)],
    });
  }
}

export async function executeStatement(ctx: BatchContext, statement: Statement, env: ExecEnv): Promise<void> {
  authorize(env, statement);
  switch (statement.kind) {
    case 'select': {
      const result = evaluateSelect(statement, catalogFor(ctx));
      if (result.assignments) {
        for (const { variable, value } of result.assignments) ctx.variables.assign(variable, value);
        ctx.last = { rowCount: result.assignments.length > 0 ? 1 : 0, error: 0 };
      } else {
        ctx.emit({ kind: 'rows', columns: result.columns, rows: result.rows });
        ctx.last = { rowCount: result.rows.length, error: 0 };
      }
      ctx.emit(ctx.settings.nocount ? { kind: 'done', command: 'select' } : { kind: 'done', command: 'select', rowCount: ctx.last.rowCount });
      return;
    }
    case 'use':
      useDatabase(env, statement.database);
      return done(ctx);
    case 'setOption':
      for (const option of statement.options) {
        if (option === 'LANGUAGE' || option === 'DATEFORMAT') {
          setDateLanguage(ctx, option, statement.value);
          continue;
        }
        ctx.settings.options.set(option, statement.value);
        if (option === 'NOCOUNT') ctx.settings.nocount = statement.value === 'ON';
      }
      return done(ctx);
    case 'declare':
      ctx.variables.declare(statement, catalogFor(ctx));
      return;
    case 'setVariable':
      ctx.variables.assign(statement.name, evaluateExpression(statement.value, catalogFor(ctx)));
      return done(ctx);
    case 'raiserror':
      return executeRaiserror(ctx, statement);
    case 'throw':
      return executeThrow(ctx, statement);
    case 'print': {
      const value = evaluateExpression(statement.value, catalogFor(ctx));
      env.emit({ kind: 'message', message: { number: 0, state: 1, class: 0, message: value.value === null ? '' : toText(value), line: statement.line } });
      return;
    }
    case 'if': {
      const branch = evaluateCondition(statement.condition, catalogFor(ctx)) === true ? statement.then : statement.else;
      if (branch) await runStatement(ctx, branch);
      return;
    }
    case 'block':
      for (const inner of statement.statements) await runStatement(ctx, inner);
      return;
    case 'tryCatch':
      return executeTryCatch(ctx, statement, runStatements);
    case 'while':
      // Each pass yields to the event loop, so a loop without a WAITFOR can still be cancelled.
      while (evaluateCondition(statement.condition, catalogFor(ctx)) === true) {
        await runStatement(ctx, statement.body);
        await new Promise((resolve) => setImmediate(resolve));
        if (ctx.signal.aborted) throw new BatchAborted();
      }
      return;
    case 'waitfor':
      await env.work(waitMs(ctx, statement, env));
      return done(ctx);
    case 'exec':
      return executeProcedure(ctx, statement, env);
    case 'transaction':
      runTransactionAction(transactionScope(ctx), statement.action, statement.name);
      return done(ctx);
    case 'createMasterKey':
      createMasterKey(env, statement.password);
      return done(ctx);
    case 'dropMasterKey':
      dropMasterKey(env);
      return done(ctx);
    case 'openMasterKey':
    case 'closeMasterKey':
      if (!currentDatabase(env).masterKey) {
        throw new SqlError(15581, 'Please create a master key in the database or open the master key in the session before performing this operation.');
      }
      return done(ctx);
    case 'createCertificate':
      executeCreateCertificate(env, statement);
      return done(ctx);
    case 'backupCertificate':
      executeBackupCertificate(env, statement);
      return done(ctx);
    case 'dropCertificate':
      dropCertificate(env, statement.name);
      return done(ctx);
    case 'createEndpoint':
      notInTransaction(ctx, 'CREATE ENDPOINT');
      executeCreateEndpoint(env, statement);
      return done(ctx);
    case 'alterEndpoint':
      notInTransaction(ctx, 'ALTER ENDPOINT');
      executeAlterEndpoint(env, statement);
      return done(ctx);
    case 'dropEndpoint':
      notInTransaction(ctx, 'DROP ENDPOINT');
      dropEndpoint(env, statement.name);
      return done(ctx);
    case 'createLogin':
      executeCreateLogin(env, statement);
      return done(ctx);
    case 'alterLogin':
      executeAlterLogin(env, statement);
      return done(ctx);
    case 'dropLogin':
      dropLogin(env, statement.name);
      return done(ctx);
    case 'createUser':
      executeCreateUser(env, statement);
      return done(ctx);
    case 'dropUser':
      dropUser(env, statement.name);
      return done(ctx);
    case 'permission':
      executePermission(env, statement);
      return done(ctx);
    case 'alterServerRole':
      executeAlterServerRole(env, statement);
      return done(ctx);
    case 'alterRole':
      executeAlterRole(env, statement);
      return done(ctx);
    case 'createDatabase':
      notInTransaction(ctx, 'CREATE DATABASE');
      executeCreateDatabase(env, statement);
      return done(ctx);
    case 'reconfigure':
      reconfigure(env);
      return done(ctx);
    case 'createDatabaseEncryptionKey':
      createDatabaseEncryptionKey(env, statement.algorithm, statement.certificate);
      return done(ctx);
    case 'dropDatabaseEncryptionKey':
      dropDatabaseEncryptionKey(env);
      return done(ctx);
    case 'dropDatabase':
      notInTransaction(ctx, 'DROP DATABASE');
      executeDropDatabase(env, statement);
      return done(ctx);
    case 'alterDatabase':
      notInTransaction(ctx, 'ALTER DATABASE');
      await executeAlterDatabase(env, statement);
      return done(ctx);
    case 'backup':
      backupOutsideTransaction(ctx, statement.target === 'LOG' ? 'BACKUP LOG' : 'BACKUP DATABASE');
      await executeBackup(env, statement);
      return done(ctx);
    case 'restore':
      backupOutsideTransaction(ctx, statement.target === 'LOG' ? 'RESTORE LOG' : 'RESTORE DATABASE');
      await executeRestore(env, statement);
      return done(ctx);
    case 'restoreInfo':
      executeRestoreInfo(env, statement);
      return done(ctx);
    case 'createTable':
      createTable(env, statement);
      return done(ctx);
    case 'alterTableAdd':
      addColumns(env, statement);
      return done(ctx);
    case 'dropTable':
      dropTable(env, statement);
      return done(ctx);
    case 'insert': {
      const catalog = catalogFor(ctx);
      const count = insertRows(
        env,
        statement,
        statement.rows.map((row) => row.map((expr) => evaluateExpression(expr, catalog))),
      );
      ctx.last = { rowCount: count, error: 0 };
      ctx.emit(ctx.settings.nocount ? { kind: 'done', command: 'insert' } : { kind: 'done', command: 'insert', rowCount: count });
      return;
    }
  }
}

/** WAITFOR DELAY 'hh:mm[:ss[.mmm]]' → ms; WAITFOR TIME → until that time of day (lab clock). */
function waitMs(ctx: BatchContext, statement: WaitforStatement, env: ExecEnv): number {
  const text = toText(evaluateExpression(statement.value, catalogFor(ctx)));
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
  if (!match) throw new SqlError(148, `Incorrect time syntax in time string '${text}' used with WAITFOR.`, { class: 15 });
  const ms = ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3] ?? 0)) * 1000 + Number((match[4] ?? '0').padEnd(3, '0'));
  if (statement.mode === 'DELAY') return ms;
  const now = env.now();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const target = midnight + ms;
  return target >= now.getTime() ? target - now.getTime() : target + 86_400_000 - now.getTime();
}
