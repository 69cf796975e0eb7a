// A fresh lab that looks like a Patriot site: a principal holding Patriot and PatriotArchive, an
// empty mirror, optionally a witness — each SQL Server on its own Windows host.

import type { DatabaseState, Edition, HostState, InstanceState, LabState, SqlVersionName } from './model.js';
import { LAB_STATE_VERSION } from './model.js';
import { attachDatabase, backupDirectory, dataDirectory, installSystemDatabases, nextDatabaseId, newDatabaseState } from './instance/database.js';
import { newLogin } from './instance/principals.js';
import { unknownPasswordHash } from './instance/password.js';
import { DEFAULT_DOMAIN, defaultWindows } from './storage/share-access.js';

export type RecoveryModel = DatabaseState['recoveryModel'];

export interface SiteOptions {
  /** Password of the sysadmin SQL login mirrorbook uses, the same on every instance or each its
   * own; only its scrypt hash is kept. */
  adminPassword: string | ((instance: string) => string);
  adminLogin?: string;
  version?: SqlVersionName;
  edition?: Edition;
  witness?: boolean;
  /** Defaults: Patriot FULL, PatriotArchive SIMPLE (archive databases are often shipped SIMPLE). */
  recoveryModels?: { Patriot?: RecoveryModel; PatriotArchive?: RecoveryModel };
  /** Simulated database sizes in MB (backups take time in proportion). */
  sizesMB?: { Patriot?: number; PatriotArchive?: number };
  names?: { principal?: string; mirror?: string; witness?: string };
  /** Hosts in a workgroup instead of the LAB domain (the vendor guide's non-domain case). */
  workgroup?: boolean;
  now?: Date;
}

export interface SiteRoles {
  principal: string;
  mirror: string;
  witness: string | null;
}

const DAY_MS = 86_400_000;

export function siteRoles(options: Pick<SiteOptions, 'names' | 'witness'> = {}): SiteRoles {
  return {
    principal: options.names?.principal ?? 'SQLPRI01',
    mirror: options.names?.mirror ?? 'SQLMIR01',
    witness: options.witness ? (options.names?.witness ?? 'SQLWIT01') : null,
  };
}

export function createSite(options: SiteOptions): LabState {
  const now = options.now ?? new Date();
  const lab: LabState = {
    version: LAB_STATE_VERSION,
    nextIds: { spid: 51, databaseId: 5, principalId: 256, certificateId: 256, endpointId: 65536 },
    hosts: {},
    instances: {},
    faults: {},
  };
  const roles = siteRoles(options);
  const names = [roles.principal, roles.mirror, ...(roles.witness ? [roles.witness] : [])];
  names.forEach((name, index) => addInstance(lab, { ...options, name, now, processId: 4120 + index * 1344 }));
  seedPatriot(lab, lab.instances[roles.principal] as InstanceState, options, now);
  return lab;
}

/** Adds an instance to the lab, on its own new host or (named instances) beside others on `host`. */
export function addInstance(lab: LabState, spec: SiteOptions & { name: string; now: Date; processId: number; host?: string }): InstanceState {
  const version = spec.version ?? '2019';
  const hostName = spec.host ?? spec.name.split('\\')[0]!;
  const host = lab.hosts[hostName] ?? newHost(hostName, spec.workgroup ?? false);
  lab.hosts[host.name] = host;
  const instance: InstanceState = {
    name: spec.name,
    host: host.name,
    tdsPort: 0,
    version,
    edition: spec.edition ?? 'Enterprise',
    service: {
      serviceName: `SQL Server (${spec.name.split('\\')[1] ?? 'MSSQLSERVER'})`,
      account: spec.name.includes('\\') ? `NT Service\\MSSQL$${spec.name.split('\\')[1]}` : 'NT Service\\MSSQLSERVER',
      status: 'Running',
      processId: spec.processId,
      lastStartupTime: new Date(spec.now.getTime() - 3 * DAY_MS).toISOString(),
    },
    logins: {},
    serverRoleMembers: {},
    databases: {},
    endpoint: null,
    serverPermissions: [],
    programs: [],
    errorLog: [],
    behaviour: { missingLogError: 1478, asyncReportsSynchronized: true, certificateWarningClass: 16, backupMsPerGB: 1500 },
  };
  for (const directory of [`${instanceDataRoot(instance)}`, dataDirectory(instance), backupDirectory(instance)]) addDirectory(host, directory);
  host.shares['BACKUP'] ??= backupDirectory(instance);
  installSystemDatabases(lab, host, instance, new Date(spec.now.getTime() - 400 * DAY_MS));
  const installed = new Date(spec.now.getTime() - 400 * DAY_MS);
  const logins = [
    newLogin(lab, { name: 'sa', type: 'S', passwordHash: unknownPasswordHash(), now: installed, principalId: 1, sidHex: '01' }),
    newLogin(lab, { name: 'NT SERVICE\\MSSQLSERVER', type: 'U', now: installed }),
    newLogin(lab, { name: 'NT SERVICE\\SQLSERVERAGENT', type: 'U', now: installed }),
    newLogin(lab, { name: 'NT AUTHORITY\\SYSTEM', type: 'U', now: installed }),
    newLogin(lab, { name: 'BUILTIN\\Administrators', type: 'G', now: installed }),
    newLogin(lab, {
      name: spec.adminLogin ?? 'mirrorbook',
      type: 'S',
      password: typeof spec.adminPassword === 'string' ? spec.adminPassword : spec.adminPassword(spec.name),
      now: installed,
    }),
  ];
  const [sa] = logins;
  if (sa) sa.isDisabled = true;
  for (const login of logins) instance.logins[login.name] = login;
  instance.serverRoleMembers['sysadmin'] = logins.filter((login) => login.name !== 'NT AUTHORITY\\SYSTEM').map((login) => login.name);
  instance.errorLog.push({
    ts: instance.service.lastStartupTime,
    text: `SQL Server is starting at normal priority base (=7). This is an informational message only. No user action is required.`,
  });
  lab.instances[instance.name] = instance;
  lab.faults[instance.name] = { down: false, isolated: false, slowMs: 0 };
  return instance;
}

function newHost(name: string, workgroup: boolean): HostState {
  const host: HostState = { name, files: {}, shares: {}, directories: [], windows: defaultWindows(workgroup ? null : DEFAULT_DOMAIN) };
  for (const directory of ['C:', 'C:\\Temp', 'D:', 'E:', 'E:\\Backup']) addDirectory(host, directory);
  return host;
}

function instanceDataRoot(instance: InstanceState): string {
  return dataDirectory(instance).replace(/\\DATA$/, '');
}

/** Adds a directory and its parents. */
export function addDirectory(host: HostState, path: string): void {
  const parts = path.replace(/\\+$/, '').split('\\');
  for (let i = 1; i <= parts.length; i++) {
    const directory = parts.slice(0, i).join('\\').toUpperCase();
    if (!host.directories.includes(directory)) host.directories.push(directory);
  }
}

function seedPatriot(lab: LabState, instance: InstanceState, options: SiteOptions, now: Date): void {
  const host = lab.hosts[instance.host] as HostState;
  const created = new Date(now.getTime() - 380 * DAY_MS);
  const seeds = [
    {
      name: 'Patriot',
      sizeMB: options.sizesMB?.Patriot ?? 4096,
      recovery: options.recoveryModels?.Patriot ?? 'FULL',
      tps: 20,
      tables: { Signals: 18_400_000, Clients: 5_200, Activations: 2_950_000, EventLog: 7_600_000, Users: 140 },
    },
    {
      name: 'PatriotArchive',
      sizeMB: options.sizesMB?.PatriotArchive ?? 6144,
      recovery: options.recoveryModels?.PatriotArchive ?? 'SIMPLE',
      tps: 4,
      tables: { ArchivedSignals: 96_000_000, ArchivedActivations: 11_300_000 },
    },
  ] as const;
  for (const seed of seeds) {
    const database = newDatabaseState({
      name: seed.name,
      databaseId: nextDatabaseId(instance),
      dataDirectory: dataDirectory(instance),
      now: created,
      sizeMB: seed.sizeMB,
      recoveryModel: seed.recovery,
    });
    database.tables = { ...seed.tables };
    database.workloadTps = seed.tps;
    database.committedTransactions = Object.values(seed.tables).reduce((sum, rows) => sum + rows, 0);
    database.log.endLsn += database.committedTransactions;
    attachDatabase(host, instance, database);
  }
  const patriotLogin = newLogin(lab, { name: 'Patriot', type: 'S', passwordHash: unknownPasswordHash(), defaultDatabase: 'Patriot', now: created });
  instance.logins[patriotLogin.name] = patriotLogin;
  for (const name of ['Patriot', 'PatriotArchive']) {
    const database = instance.databases[name] as DatabaseState;
    database.users['Patriot'] = { name: 'Patriot', principalId: 5, type: 'S', loginSidHex: patriotLogin.sidHex, createDate: created.toISOString() };
  }
  const loginTime = new Date(now.getTime() - 2 * DAY_MS).toISOString();
  for (const programName of ['Patriot Data Service', 'Patriot Task Service']) {
    instance.programs.push({ spid: lab.nextIds.spid++, programName, hostName: instance.host, loginName: 'Patriot', database: 'Patriot', loginTime });
  }
}
