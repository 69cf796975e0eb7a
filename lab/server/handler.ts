// The SqlHandler of one simulated instance: logins against its logins, and batches parsed by
// lab/sql and run statement by statement against the lab state, with the simulation brought up
// to the lab clock before each batch.

import { SqlError } from '../errors.js';
import type { InstanceState } from '../model.js';
import type { Statement } from '../sql/ast.js';
import { parseBatchCached } from '../sql/parse-cache.js';
import { advanceLab } from '../mirroring/advance.js';
import { BatchVariables } from '../sql/variables.js';
import type { BatchRequest, LoginRequest, LoginResult, ResponseItem, SessionInfo, SqlHandler, SqlMessage } from '../tds/handler.js';
import type { LiveSession } from '../catalog/context.js';
import { BatchAborted, report, runStatements, transactionScope, type BatchContext, type SessionSettings } from './batch.js';
import { authenticate } from './login.js';
import { findDatabase } from '../instance/scope.js';
import { openError } from '../instance/use-database.js';
import type { InstanceRuntime } from './runtime.js';
import { addSession, findSession, removeSession } from './sessions.js';
import { releaseSession } from './applocks.js';
import { executeStatement } from './statements.js';
import { newErrorHandling } from './try-catch.js';
import { redactPasswords } from './redact.js';
import { requireFunctionsOf } from './version-functions.js';
import { rollbackAll, runTransactionAction, type TransactionAction, type TransactionScope } from './transactions.js';

export type { InstanceRuntime, BatchRecord } from './runtime.js';

export function createInstanceHandler(runtime: InstanceRuntime): SqlHandler {
  const settings = new Map<number, SessionSettings>();
  const instance = (): InstanceState => {
    const found = runtime.lab.instances[runtime.instanceName];
    if (!found) throw new Error(`lab state has no instance ${runtime.instanceName}`);
    return found;
  };
  const settingsOf = (spid: number): SessionSettings => {
    let s = settings.get(spid);
    if (!s) settings.set(spid, (s = { transaction: { trancount: 0, undo: [] }, nocount: false, options: new Map() }));
    return s;
  };
  const liveOf = (session: SessionInfo): LiveSession => {
    const name = runtime.instanceName;
    let live = findSession(name, session.spid);
    if (!live) {
      live = { info: session, loginTime: runtime.now(), lastRequestStart: null, lastRequestEnd: null, running: null, openTransactions: 0 };
      addSession(name, live);
    }
    live.info = session;
    return live;
  };
  const scopeOf = (session: SessionInfo): TransactionScope => ({
    instance: instance(),
    transaction: settingsOf(session.spid).transaction,
    live: liveOf(session),
    changed: () => runtime.changed(),
  });
  const advance = (): void => {
    if (runtime.advance) runtime.advance(runtime.lab, runtime.now());
    else if (advanceLab(runtime.lab, runtime.now())) runtime.changed();
  };

  return {
    login(request: LoginRequest): LoginResult {
      advance();
      const result = authenticate(runtime.lab, instance(), request, runtime.fault().down, runtime.now());
      runtime.changed();
      if (result.ok) {
        liveOf({
          spid: result.spid,
          login: request.user,
          hostName: request.hostName,
          appName: request.appName,
          clientLibrary: request.clientLibrary,
          database: result.database,
          encryption: 'off',
        });
      }
      return result;
    },

    async execute(request: BatchRequest, emit: (item: ResponseItem) => void): Promise<void> {
      advance();
      const session = request.session;
      const live = liveOf(session);
      live.lastRequestStart = runtime.now();
      const ctx: BatchContext = {
        runtime,
        instance: instance(),
        session,
        live,
        settings: settingsOf(session.spid),
        emit,
        signal: request.signal,
        variables: new BatchVariables(request.params),
        last: { rowCount: 0, error: 0 },
        errors: [],
        level: 0,
        handling: newErrorHandling(),
        procedure: null,
        execute: executeStatement,
      };
      const databaseAtStart = session.database;
      try {
        // A role change (failover, forced service) kills the sessions that were using the database.
        if (findDatabase(ctx.instance, session.database) && openError(ctx.instance, session.database)) {
          report(ctx, new SqlError(596, 'Cannot continue the execution because the session is in the kill state.', { class: 21 }), 1);
          emit({ kind: 'done', command: 'other', error: true });
          return;
        }
        let statements: Statement[];
        try {
          statements = parseBatchCached(request.sql);
          requireFunctionsOf(ctx.instance.version, request.sql);
        } catch (error) {
          if (!(error instanceof SqlError)) throw error;
          // A syntax error fails the whole batch before any statement runs.
          report(ctx, error, 'line' in error && typeof error.line === 'number' ? error.line : 1);
          emit({ kind: 'done', command: 'other', error: true });
          return;
        }
        await runStatements(ctx, statements);
        endDoomedTransaction(ctx);
        for (const name of request.outputs ?? []) emit({ kind: 'output', name, value: ctx.variables.get(name)?.value ?? null });
      } catch (error) {
        if (!(error instanceof BatchAborted)) throw error;
        endDoomedTransaction(ctx);
      } finally {
        live.lastRequestEnd = runtime.now();
        live.running = null;
        runtime.logBatch({
          ts: runtime.now().toISOString(),
          instance: runtime.instanceName,
          spid: session.spid,
          login: session.login,
          app: session.appName,
          host: session.hostName,
          database: databaseAtStart,
          sql: redactPasswords(request.sql),
          rpc: request.rpc,
          errors: ctx.errors,
        });
      }
    },

    transaction(session: SessionInfo, op: 'begin' | 'commit' | 'rollback' | 'save'): SqlMessage | void {
      try {
        runTransactionAction(scopeOf(session), op.toUpperCase() as TransactionAction);
      } catch (error) {
        if (!(error instanceof SqlError)) throw error;
        return { number: error.number, state: error.state, class: error.class, message: error.message, line: 1 };
      }
    },

    oversizedRequest(session: SessionInfo, bytes: number, limit: number, packetSize: number): void {
      // No documented message reaches the client ("Maximum capacity specifications for SQL Server"
      // gives only the limit); the lab closes the connection and says why in the error log.
      const inst = instance();
      inst.errorLog.push({
        ts: runtime.now().toISOString(),
        processInfo: `spid${session.spid}`,
        text: `The request from this connection is larger than ${limit} bytes (65,536 × its network packet size of ${packetSize} bytes): ${bytes} bytes read so far; the connection has been closed. [CLIENT: 127.0.0.1]`,
      });
      runtime.changed();
    },

    disconnect(session: SessionInfo): void {
      // A session that goes away with a transaction open has it rolled back.
      if (settings.get(session.spid)?.transaction.trancount) rollbackAll(scopeOf(session));
      settings.delete(session.spid);
      removeSession(runtime.instanceName, session.spid);
      // A logoff (or a dropped connection) releases the session's application locks.
      releaseSession(runtime.instanceName, session.spid);
    },
  };
}

/** An uncommittable transaction still open when the batch ends is rolled back, with 3998 ("XACT_STATE"). */
function endDoomedTransaction(ctx: BatchContext): void {
  if (!ctx.settings.transaction.doomed || ctx.settings.transaction.trancount === 0) return;
  rollbackAll(transactionScope(ctx));
  report(ctx, new SqlError(3998, 'Uncommittable transaction is detected at the end of the batch. The transaction is rolled back.'), 1);
  ctx.emit({ kind: 'done', command: 'other', error: true });
}
