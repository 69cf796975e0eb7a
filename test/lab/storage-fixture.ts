// A small two-host lab for storage and mirroring tests, built directly on lab/model.ts.
import type { DatabaseState, InstanceState, LabState } from '../../lab/model.js';
import { attachDatabase } from '../../lab/instance/database.js';
import type { ExecEnv } from '../../lab/server/env.js';
import type { ResponseItem, SqlMessage } from '../../lab/tds/handler.js';

export function database(name: string, databaseId: number, overrides: Partial<DatabaseState> = {}): DatabaseState {
  return {
    name,
    databaseId,
    state: 'ONLINE',
    recoveryModel: 'FULL',
    isSystem: false,
    createDate: '2026-01-01T00:00:00.000Z',
    databaseGuid: `00000000-0000-0000-0000-${String(databaseId).padStart(12, '0')}`,
    familyGuid: `10000000-0000-0000-0000-${String(databaseId).padStart(12, '0')}`,
    recoveryForkGuid: `20000000-0000-0000-0000-${String(databaseId).padStart(12, '0')}`,
    sizeMB: 1024,
    files: [
      { logicalName: name, physicalName: `C:\\Data\\${name}.mdf`, type: 'D', sizeMB: 900 },
      { logicalName: `${name}_log`, physicalName: `C:\\Data\\${name}_log.ldf`, type: 'L', sizeMB: 124 },
    ],
    log: { endLsn: 1000, lastFullBackupLsn: null, lastLogBackupLsn: null, logChainStarted: false, restoredThroughLsn: null, restoredFromFullLsn: null },
    users: {},
    certificates: {},
    masterKey: null,
    committedTransactions: 500,
    tables: { Orders: 100 },
    mirroring: null,
    workloadTps: 10,
    ...overrides,
  };
}

export function instance(name: string, host: string, tdsPort: number): InstanceState {
  return {
    name,
    host,
    tdsPort,
    version: '2019',
    edition: 'Enterprise',
    service: {
      serviceName: 'MSSQLSERVER',
      account: `LAB\\svc_${host.toLowerCase()}`,
      status: 'Running',
      processId: 4000 + tdsPort,
      lastStartupTime: '2026-01-01T00:00:00.000Z',
    },
    logins: {},
    serverRoleMembers: {},
    databases: {},
    endpoint: null,
    serverPermissions: [],
    programs: [],
    errorLog: [],
    behaviour: { missingLogError: 1478, asyncReportsSynchronized: true, certificateWarningClass: 16, backupMsPerGB: 1000 },
  };
}

export function twoHostLab(): LabState {
  const lab: LabState = {
    version: 1,
    nextIds: { spid: 60, databaseId: 10, principalId: 300, certificateId: 300, endpointId: 65536 },
    hosts: {},
    instances: {},
    faults: {},
  };
  for (const [host, port] of [
    ['SQLPRI01', 14331],
    ['SQLMIR01', 14332],
  ] as const) {
    lab.hosts[host] = { name: host, files: {}, shares: { BACKUP: 'C:\\Backup' }, directories: ['C:\\BACKUP', 'C:\\DATA', 'C:\\TEMP'] };
    lab.instances[host] = instance(host, host, port);
    lab.faults[host] = { down: false, isolated: false, slowMs: 0 };
  }
  attachDatabase(lab.hosts.SQLPRI01!, lab.instances.SQLPRI01!, database('Patriot', 5));
  return lab;
}

export interface TestEnv extends ExecEnv {
  messages: SqlMessage[];
  items: ResponseItem[];
  clock: { now: Date };
  /** Resolves the next pending `work()` wait; the test decides when simulated time passes. */
  step(): Promise<void>;
  pendingWork(): number;
  abort(): void;
}

/** An ExecEnv for `instanceName`. With `manual`, `work()` waits for `step()`; otherwise it just
 * advances the clock. */
export function testEnv(lab: LabState, instanceName: string, options: { spid?: number; database?: string; manual?: boolean } = {}): TestEnv {
  const controller = new AbortController();
  const clock = { now: new Date('2026-03-01T10:00:00.000Z') };
  const waiting: (() => void)[] = [];
  const messages: SqlMessage[] = [];
  const items: ResponseItem[] = [];
  const env: TestEnv = {
    lab,
    instance: lab.instances[instanceName]!,
    session: {
      spid: options.spid ?? 55,
      login: 'sa',
      hostName: 'test',
      appName: 'uvu',
      clientLibrary: 'test',
      database: options.database ?? 'master',
      encryption: 'off',
    },
    line: 1,
    emit: (item) => {
      items.push(item);
      if (item.kind === 'message') messages.push(item.message);
    },
    signal: controller.signal,
    now: () => clock.now,
    work: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (controller.signal.aborted) return reject(new Error('aborted'));
        const onAbort = () => reject(new Error('aborted'));
        const finish = () => {
          controller.signal.removeEventListener('abort', onAbort);
          clock.now = new Date(clock.now.getTime() + ms);
          resolve();
        };
        controller.signal.addEventListener('abort', onAbort, { once: true });
        if (options.manual) waiting.push(finish);
        else finish();
      }),
    changed: () => {},
    info: (number, message) => env.emit({ kind: 'message', message: { number, state: 1, class: 0, message, line: 1 } }),
    messages,
    items,
    clock,
    step: async () => {
      for (let i = 0; i < 50 && waiting.length === 0; i++) await new Promise((r) => setImmediate(r));
      waiting.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
    pendingWork: () => waiting.length,
    abort: () => controller.abort(),
  };
  return env;
}

/** The SqlError a promise or function fails with, as "number: followUp numbers". */
export async function failure(run: () => unknown): Promise<{ number: number; message: string; followUps: number[] }> {
  try {
    await run();
  } catch (e) {
    const err = e as { number?: number; message: string; followUps?: { number: number }[] };
    if (typeof err.number !== 'number') throw e;
    return { number: err.number, message: err.message, followUps: (err.followUps ?? []).map((f) => f.number) };
  }
  throw new Error('expected the statement to fail');
}
