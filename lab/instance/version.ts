// What each SQL Server version and edition reports about itself (SERVERPROPERTY, @@VERSION, paths).

import type { Edition, SqlVersionName } from '../model.js';

interface VersionFacts {
  major: number;
  minor: number;
  build: number;
  revision: number;
  level: string;
  folder: string;
  built: string;
  copyright: string;
  os: string;
}

const VERSIONS: Record<SqlVersionName, VersionFacts> = {
  '2008R2': {
    major: 10,
    minor: 50,
    build: 6000,
    revision: 34,
    level: 'SP3',
    folder: 'MSSQL10_50',
    built: 'Aug 19 2014 12:21:34',
    copyright: 'Copyright (c) Microsoft Corporation',
    os: 'Windows NT 6.1 <X64> (Build 7601: Service Pack 1) (Hypervisor)',
  },
  '2012': {
    major: 11,
    minor: 0,
    build: 7001,
    revision: 0,
    level: 'SP4',
    folder: 'MSSQL11',
    built: 'Aug 15 2017 10:23:29',
    copyright: 'Copyright (c) Microsoft Corporation',
    os: 'Windows NT 6.3 <X64> (Build 9600: ) (Hypervisor)',
  },
  '2014': {
    major: 12,
    minor: 0,
    build: 6024,
    revision: 0,
    level: 'SP3',
    folder: 'MSSQL12',
    built: 'Sep  7 2018 01:37:51',
    copyright: 'Copyright (c) Microsoft Corporation',
    os: 'Windows NT 6.3 <X64> (Build 9600: ) (Hypervisor)',
  },
  '2016': {
    major: 13,
    minor: 0,
    build: 5026,
    revision: 0,
    level: 'SP2',
    folder: 'MSSQL13',
    built: 'Mar 18 2018 09:11:49',
    copyright: 'Copyright (c) Microsoft Corporation',
    os: 'Windows Server 2016 Standard 10.0 <X64> (Build 14393: ) (Hypervisor)',
  },
  '2017': {
    major: 14,
    minor: 0,
    build: 1000,
    revision: 169,
    level: 'RTM',
    folder: 'MSSQL14',
    built: 'Aug 22 2017 17:04:49',
    copyright: 'Copyright (C) 2017 Microsoft Corporation',
    os: 'Windows Server 2016 Standard 10.0 <X64> (Build 14393: ) (Hypervisor)',
  },
  '2019': {
    major: 15,
    minor: 0,
    build: 2000,
    revision: 5,
    level: 'RTM',
    folder: 'MSSQL15',
    built: 'Sep 24 2019 13:48:23',
    copyright: 'Copyright (C) 2019 Microsoft Corporation',
    os: 'Windows Server 2019 Standard 10.0 <X64> (Build 17763: ) (Hypervisor)',
  },
  '2022': {
    major: 16,
    minor: 0,
    build: 1000,
    revision: 6,
    level: 'RTM',
    folder: 'MSSQL16',
    built: 'Oct  8 2022 05:58:25',
    copyright: 'Copyright (C) 2022 Microsoft Corporation',
    os: 'Windows Server 2022 Standard 10.0 <X64> (Build 20348: ) (Hypervisor)',
  },
};

export function versionFacts(version: SqlVersionName): VersionFacts {
  return VERSIONS[version];
}

export function productVersion(version: SqlVersionName): string {
  const v = VERSIONS[version];
  return `${v.major}.${v.minor}.${v.build}.${v.revision}`;
}

export function editionName(edition: Edition): string {
  return `${edition} Edition (64-bit)`;
}

/** SERVERPROPERTY('EngineEdition'): 2 Standard, 3 Enterprise/Developer, 4 Express. */
export function engineEdition(edition: Edition): number {
  return edition === 'Standard' ? 2 : edition === 'Express' ? 4 : 3;
}

export function versionString(version: SqlVersionName, edition: Edition): string {
  const v = VERSIONS[version];
  const name = version === '2008R2' ? '2008 R2' : version;
  return `Microsoft SQL Server ${name} (${v.level}) - ${productVersion(version)} (X64) \n\t${v.built} \n\t${v.copyright}\n\t${editionName(edition)} on ${v.os}\n`;
}

/** Versions compare by major.minor; 2008R2 is 10.50. */
export function atLeast(version: SqlVersionName, minimum: SqlVersionName): boolean {
  const a = VERSIONS[version];
  const b = VERSIONS[minimum];
  return a.major > b.major || (a.major === b.major && a.minor >= b.minor);
}

export function instanceRoot(version: SqlVersionName, instanceId = 'MSSQLSERVER'): string {
  return `C:\\Program Files\\Microsoft SQL Server\\${VERSIONS[version].folder}.${instanceId}\\MSSQL`;
}
