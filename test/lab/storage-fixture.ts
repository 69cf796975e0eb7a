// A small two-host lab for storage and mirroring tests, built directly on lab/model.ts.
import type { DatabaseState, InstanceState, LabState } from '../../lab/model.js';

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
    service: { serviceName: 'MSSQLSERVER', account: `LAB\\svc_${host.toLowerCase()}`, status: 'Running', processId: 4000 + tdsPort, lastStartupTime: '2026-01-01T00:00:00.000Z' },
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
  for (const [host, port] of [['SQLPRI01', 14331], ['SQLMIR01', 14332]] as const) {
    lab.hosts[host] = { name: host, files: {}, shares: { BACKUP: 'C:\\Backup' }, directories: ['C:\\BACKUP', 'C:\\DATA', 'C:\\TEMP'] };
    lab.instances[host] = instance(host, host, port);
    lab.faults[host] = { down: false, isolated: false, slowMs: 0 };
  }
  lab.instances.SQLPRI01!.databases.Patriot = database('Patriot', 5);
  return lab;
}
