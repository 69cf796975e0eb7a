// Talk to a lab instance without sockets: log in and run batches straight through its SqlHandler.
// For tests and tools that need the SQL behaviour but not the TDS wire.

import type { FaultState, LabState } from '../model.js';
import type { Column, ResponseItem, SessionInfo, SqlHandler, SqlMessage, SqlValue } from '../tds/handler.js';
import { createInstanceHandler } from './handler.js';
import type { BatchRecord, InstanceRuntime } from './runtime.js';

export interface BatchResult {
  resultSets: { columns: Column[]; rows: SqlValue[][] }[];
  messages: SqlMessage[];
  /** Messages with class ≥ 11. */
  errors: SqlMessage[];
  items: ResponseItem[];
}

export interface InProcessSession {
  session: SessionInfo;
  query(sql: string, params?: Map<string, SqlValue>): Promise<BatchResult>;
  close(): void;
}

export interface InProcessInstance {
  handler: SqlHandler;
  batches: BatchRecord[];
  login(user: string, password: string, database?: string): Promise<InProcessSession | SqlMessage>;
}

export function inProcessInstance(
  lab: LabState,
  instanceName: string,
  options: Partial<Pick<InstanceRuntime, 'now' | 'changed' | 'advance'>> & { fault?: () => FaultState } = {},
): InProcessInstance {
  const batches: BatchRecord[] = [];
  const handler = createInstanceHandler({
    lab,
    instanceName,
    now: options.now ?? (() => new Date()),
    changed: options.changed ?? (() => undefined),
    logBatch: (record) => batches.push(record),
    fault: options.fault ?? (() => lab.faults[instanceName] ?? { down: false, isolated: false, slowMs: 0 }),
    ...(options.advance ? { advance: options.advance } : {}),
  });
  return {
    handler,
    batches,
    async login(user, password, database = '') {
      const result = await handler.login({
        user,
        password,
        database,
        hostName: 'TESTHOST',
        appName: 'lab-test',
        clientLibrary: 'in-process',
        serverName: instanceName,
      });
      if (!result.ok) return result.error;
      const session: SessionInfo = {
        spid: result.spid,
        login: user,
        hostName: 'TESTHOST',
        appName: 'lab-test',
        clientLibrary: 'in-process',
        database: result.database,
        encryption: 'off',
      };
      return {
        session,
        async query(sql, params = new Map()) {
          const items: ResponseItem[] = [];
          await handler.execute({ session, sql, params, rpc: params.size > 0, signal: new AbortController().signal }, (item) => {
            items.push(item);
            if (item.kind === 'database') session.database = item.to;
          });
          const messages = items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
          return {
            items,
            messages,
            errors: messages.filter((message) => message.class >= 11),
            resultSets: items.flatMap((item) => (item.kind === 'rows' ? [{ columns: item.columns, rows: item.rows }] : [])),
          };
        },
        close: () => handler.disconnect(session),
      };
    },
  };
}
