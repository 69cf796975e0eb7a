// The mirrorbook login's least privileges, once: what each procedure's statements need, the T-SQL
// that grants it, and the T-SQL that tells whether the connected login holds it. Three things are
// made from this list and nothing else: the grant script (`mirrorbook init --grants`, kept as
// docs/grant-mirrorbook-login.sql), the README's per-procedure table, and the preflight check
// "the mirrorbook login's privileges". Each entry names the learn.microsoft.com page whose
// Permissions section asks for it. An entry applies to a procedure, or to a procedure run with an
// option ('cleanup --remove-backups'): `check` and `run` judge a procedure with the options given.

import { ANCHOR_COLUMNS } from './run-anchor.js';

/** Where a privilege is needed: every server, the partners only, or the principal's databases. */
export type PrivilegeServers = 'every' | 'partners' | 'principal';

export interface LoginPrivilege {
  /** How the README and the check name it. */
  name: string;
  servers: PrivilegeServers;
  /** The procedures whose statements need it ('cleanup --remove-backups': only with that option), or 'every'. */
  procedures: readonly string[] | 'every';
  /** What needs it, for the README table. */
  needs: string;
  /** The learn.microsoft.com pages asking for it. */
  source: string;
  /** T-SQL granting it, run as a sysadmin (`{login}` and `{database}` filled in). */
  grant: readonly string[];
  /** Not granted by the script (it stays a comment there), for what it is: what else to do, for the hint. */
  instead?: string;
  /** The grant's database context: the server (master), msdb, master, or each mirrored database. */
  grantIn: 'server' | 'master' | 'msdb' | 'each';
  /** A T-SQL expression, 1 when the connected login holds it, NULL when it cannot tell (`{database}` filled in). */
  held: string;
}

const SETUP = ['setup', 'certificate-setup', 'domain-setup', 'add-witness'];
const DATABASE_CHANGES = [
  'setup',
  'restore',
  'enable',
  'failover',
  'failback',
  'promote',
  'resume-session',
  'suspend',
  'set-safety-full',
  'set-safety-off',
  'add-witness',
  'remove-witness',
  'disable',
];

const USER_IN_DATABASE = "IF DATABASE_PRINCIPAL_ID(N'{login}') IS NULL CREATE USER [{login}] FOR LOGIN [{login}];";

export const LOGIN_PRIVILEGES: readonly LoginPrivilege[] = [
  {
    name: 'VIEW SERVER STATE',
    servers: 'every',
    procedures: 'every',
    needs: 'DMVs: other sessions, backup/restore progress, the mirroring counters, sys.dm_server_services',
    source: '"sys.dm_exec_sessions", "sys.dm_os_performance_counters", "sys.dm_server_services"',
    grant: ['GRANT VIEW SERVER STATE TO [{login}];'],
    grantIn: 'server',
    held: "HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE')",
  },
  {
    name: 'VIEW ANY DEFINITION',
    servers: 'every',
    procedures: 'every',
    needs: 'catalog views of objects it neither owns nor has a permission on (mirroring, certificates, endpoints, logins)',
    source: '"Metadata Visibility Configuration"',
    grant: ['GRANT VIEW ANY DEFINITION TO [{login}];'],
    grantIn: 'server',
    held: "HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW ANY DEFINITION')",
  },
  {
    name: 'CREATE ENDPOINT',
    servers: 'every',
    procedures: SETUP,
    needs: 'CREATE ENDPOINT',
    source: '"CREATE ENDPOINT"',
    grant: ['GRANT CREATE ENDPOINT TO [{login}];'],
    grantIn: 'server',
    held: "HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ENDPOINT')",
  },
  {
    name: 'ALTER ANY ENDPOINT',
    servers: 'every',
    procedures: [...SETUP, 'cleanup'],
    needs: 'ALTER / DROP ENDPOINT, GRANT CONNECT ON ENDPOINT to the peer',
    source: '"ALTER ENDPOINT", "DROP ENDPOINT", "GRANT Endpoint Permissions"',
    grant: ['GRANT ALTER ANY ENDPOINT TO [{login}];'],
    grantIn: 'server',
    held: "HAS_PERMS_BY_NAME(NULL, NULL, 'ALTER ANY ENDPOINT')",
  },
  {
    name: 'ALTER ANY LOGIN',
    servers: 'every',
    procedures: [...SETUP, 'sync-logins', 'failover', 'failback', 'cleanup'],
    needs: 'CREATE / ALTER / DROP LOGIN (peer logins; sync-logins, also in setup, failover, failback)',
    source: '"CREATE LOGIN", "ALTER LOGIN", "DROP LOGIN"',
    grant: ['GRANT ALTER ANY LOGIN TO [{login}];'],
    grantIn: 'server',
    held: "HAS_PERMS_BY_NAME(NULL, NULL, 'ALTER ANY LOGIN')",
  },
  {
    name: 'ALTER ANY DATABASE',
    servers: 'partners',
    procedures: DATABASE_CHANGES,
    needs: 'ALTER DATABASE … SET RECOVERY / PARTNER / WITNESS / SAFETY / FAILOVER / FORCE_SERVICE_ALLOW_DATA_LOSS, also on a mirror copy in RESTORING',
    source: '"ALTER DATABASE Database Mirroring", "ALTER DATABASE SET Options"',
    grant: ['GRANT ALTER ANY DATABASE TO [{login}];'],
    grantIn: 'server',
    held: "HAS_PERMS_BY_NAME(NULL, NULL, 'ALTER ANY DATABASE')",
  },
  {
    name: 'dbcreator',
    servers: 'partners',
    procedures: ['setup', 'restore', 'disable'],
    needs: 'RESTORE over an existing database (sysadmin or dbcreator; db_owner does not count) or a new one (CREATE DATABASE)',
    source: '"RESTORE Statements"',
    grant: ['ALTER SERVER ROLE [dbcreator] ADD MEMBER [{login}];'],
    grantIn: 'server',
    held: "CASE WHEN IS_SRVROLEMEMBER('dbcreator') = 1 OR IS_SRVROLEMEMBER('sysadmin') = 1 THEN 1 ELSE 0 END",
  },
  {
    name: 'db_owner in master',
    servers: 'every',
    procedures: 'every',
    needs: 'the run anchor in the error log (xp_logevent); CREATE MASTER KEY, CREATE / BACKUP CERTIFICATE, CREATE USER in master',
    source: '"xp_logevent", "CREATE MASTER KEY", "CREATE CERTIFICATE", "BACKUP CERTIFICATE", "CREATE USER"',
    grant: [USER_IN_DATABASE, 'ALTER ROLE [db_owner] ADD MEMBER [{login}];'],
    grantIn: 'master',
    held: "HAS_PERMS_BY_NAME(N'master', 'DATABASE', 'CONTROL')",
  },
  {
    name: 'msdb db_datareader',
    servers: 'every',
    procedures: 'every',
    needs: 'backup history (msdb.dbo.backupset, backupmediafamily, restorehistory)',
    source: '"backupset (Transact-SQL)"',
    grant: [USER_IN_DATABASE, 'ALTER ROLE [db_datareader] ADD MEMBER [{login}];'],
    grantIn: 'msdb',
    held: "HAS_PERMS_BY_NAME(N'msdb.dbo.backupset', 'OBJECT', 'SELECT')",
  },
  {
    name: 'INSERT on msdb.dbo.mirrorbook_run_anchors',
    servers: 'every',
    procedures: 'every',
    needs: 'the run anchor row (the table created here, so the login needs no CREATE TABLE in msdb)',
    source: '"INSERT (Transact-SQL)"',
    grant: [
      USER_IN_DATABASE,
      "IF NOT EXISTS (SELECT 1 FROM msdb.sys.tables WHERE name = N'mirrorbook_run_anchors')",
      `  CREATE TABLE dbo.mirrorbook_run_anchors (${ANCHOR_COLUMNS});`,
      'GRANT SELECT, INSERT ON dbo.mirrorbook_run_anchors TO [{login}];',
    ],
    grantIn: 'msdb',
    // A missing table is created on first use when the login may (CREATE TABLE in msdb).
    held: "COALESCE(HAS_PERMS_BY_NAME(N'msdb.dbo.mirrorbook_run_anchors', 'OBJECT', 'INSERT'), HAS_PERMS_BY_NAME(N'msdb', 'DATABASE', 'CREATE TABLE'))",
  },
  {
    name: 'db_backupoperator in {database}',
    servers: 'principal',
    procedures: ['setup', 'restore'],
    needs: 'BACKUP DATABASE and BACKUP LOG of each mirrored database (the user travels to the mirror in the backup)',
    source: '"BACKUP (Transact-SQL)"',
    grant: [USER_IN_DATABASE, 'ALTER ROLE [db_backupoperator] ADD MEMBER [{login}];'],
    grantIn: 'each',
    // NULL for a database that does not exist: the databases check reports that one.
    held: "CASE WHEN DB_ID(N'{database}') IS NULL THEN NULL WHEN HAS_PERMS_BY_NAME(N'{database}', 'DATABASE', 'BACKUP DATABASE') = 1 AND HAS_PERMS_BY_NAME(N'{database}', 'DATABASE', 'BACKUP LOG') = 1 THEN 1 ELSE 0 END",
  },
  {
    name: 'msdb SQLAgentUserRole',
    servers: 'partners',
    procedures: ['copy-agent-jobs'],
    needs:
      "sp_add_job, sp_add_jobstep, sp_add_jobschedule, sp_add_jobserver (sysadmin or one of msdb's Agent roles; the least is enough for jobs the login creates). The copies are owned by the mirrorbook login: no @owner_login_name is sent, which only sysadmin may set; a sysadmin gives them to the source's owner afterwards (sp_update_job @owner_login_name). A CmdExec or PowerShell step needs a proxy unless its creator is sysadmin: copy such jobs as a sysadmin",
    source: '"sp_add_job", "sp_add_jobstep", "sp_add_jobschedule", "sp_add_jobserver", "SQL Server Agent Fixed Database Roles"',
    grant: [USER_IN_DATABASE, 'ALTER ROLE [SQLAgentUserRole] ADD MEMBER [{login}];'],
    grantIn: 'msdb',
    // The Agent roles hold EXECUTE on the Agent procedures; a sysadmin holds every permission.
    held: "HAS_PERMS_BY_NAME(N'msdb.dbo.sp_add_job', 'OBJECT', 'EXECUTE')",
  },
  {
    name: 'CONTROL on msdb.dbo.mirrorbook_run_anchors',
    servers: 'partners',
    procedures: ['cleanup --drop-anchors'],
    needs: 'DROP TABLE of the run anchors (ALTER on the schema dbo, CONTROL on the table, or db_ddladmin)',
    source: '"DROP TABLE"',
    grant: [USER_IN_DATABASE, 'GRANT CONTROL ON dbo.mirrorbook_run_anchors TO [{login}];'],
    grantIn: 'msdb',
    // NULL when the table is not there (HAS_PERMS_BY_NAME of a missing object): nothing to drop.
    held: "CASE WHEN HAS_PERMS_BY_NAME(N'msdb.dbo.mirrorbook_run_anchors', 'OBJECT', 'CONTROL') = 1 OR HAS_PERMS_BY_NAME(N'msdb', 'DATABASE', 'ALTER ANY SCHEMA') = 1 THEN 1 WHEN HAS_PERMS_BY_NAME(N'msdb.dbo.mirrorbook_run_anchors', 'OBJECT', 'CONTROL') IS NULL THEN NULL ELSE 0 END",
  },
  {
    name: 'sysadmin',
    servers: 'partners',
    procedures: ['cleanup --remove-backups'],
    needs:
      'xp_delete_file, what the Maintenance Cleanup Task runs: maintenance plans are for sysadmin, and xp_delete_file itself is undocumented, with no permission to grant',
    source: '"Maintenance Cleanup Task", "Create a Maintenance Plan" (Permissions: sysadmin)',
    grant: ['ALTER SERVER ROLE [sysadmin] ADD MEMBER [{login}];'],
    grantIn: 'server',
    instead:
      'run `cleanup --remove-backups` with a sysadmin login in the config, or delete the files `mirrorbook plan cleanup --remove-backups` lists by hand; the mirrorbook login is not meant to be sysadmin',
    held: "IS_SRVROLEMEMBER('sysadmin')",
  },
];

/** `]` doubled inside [brackets], `'` doubled inside N'…'. */
function fill(text: string, login: string, database = ''): string {
  return text
    .replaceAll('[{login}]', `[${login.replaceAll(']', ']]')}]`)
    .replaceAll("N'{login}'", `N'${login.replaceAll("'", "''")}'`)
    .replaceAll("N'{database}'", `N'${database.replaceAll("'", "''")}'`)
    .replaceAll('{database}', database);
}

/** Whether `privilege` is needed by `procedure` run with `options` (e.g. ['--remove-backups']). */
export function appliesTo(privilege: LoginPrivilege, procedure: string, options: readonly string[] = []): boolean {
  if (privilege.procedures === 'every') return true;
  return privilege.procedures.some((entry) => {
    const [name, ...needed] = entry.split(' ');
    return name === procedure && needed.every((option) => options.includes(option));
  });
}

/** The privileges one server needs for a procedure run with `options`, each with its name, check,
 * grant and, for one the script does not grant, what to do instead, filled in. */
export function requiredPrivileges(
  procedure: string,
  role: 'principal' | 'mirror' | 'witness',
  databases: readonly string[],
  login: string,
  options: readonly string[] = [],
): { name: string; held: string; grant: string; instead?: string }[] {
  const onServer = (p: LoginPrivilege) =>
    p.servers === 'every' || (p.servers === 'partners' && role !== 'witness') || (p.servers === 'principal' && role === 'principal');
  return LOGIN_PRIVILEGES.filter((p) => appliesTo(p, procedure, options) && onServer(p)).flatMap((p) =>
    (p.grantIn === 'each' ? databases : ['']).map((database) => ({
      name: fill(p.name, login, database),
      held: fill(p.held, login, database),
      grant: `${p.grantIn === 'server' ? '' : `USE [${(p.grantIn === 'each' ? database : p.grantIn).replaceAll(']', ']]')}]; `}${p.grant.map((line) => fill(line, login, database).trim()).join(' ')}`,
      ...(p.instead ? { instead: p.instead } : {}),
    })),
  );
}

const SCRIPT_HEAD = `-- The least privileges of the mirrorbook login (instead of sysadmin), per procedure and option.
-- Run on EVERY server of the pair (principal, mirror, witness) as a sysadmin, in SSMS or sqlcmd;
-- the last part (each mirrored database) on the principal only. Printed by
-- \`mirrorbook init --grants\` from steps/login-privileges.ts, the list \`mirrorbook check <procedure> [options]\` compares
-- the login against and README.md's table ("The mirrorbook login's privileges") shows. Each grant
-- names the learn.microsoft.com page whose Permissions section asks for it. Replace [{login}]
-- everywhere if the login has another name.
--
-- One login, the same on every server: a database user maps to its login by SID, and the users in
-- the mirrored databases travel to the mirror in the backups. Use a Windows login (the same SID
-- everywhere), or create the SQL login on the other servers with the SID it has on the principal:
--   SELECT SUSER_SID(N'{login}');                                        -- on the principal
--   CREATE LOGIN [{login}] WITH PASSWORD = N'…', SID = 0x…;              -- on the others
-- Not granted here, on purpose: sysadmin, CONTROL SERVER and securityadmin. sync-logins copies SQL
-- logins with their password hash, which only CONTROL SERVER reads before SQL Server 2022 (from
-- 2022: GRANT VIEW ANY CRYPTOGRAPHICALLY SECURED DEFINITION); without it, create the application
-- logins on the mirror by hand (same SID and password) and sync-logins finds them done. failover's
-- application check reads the error log's 18456 lines (sp_readerrorlog: securityadmin); without it
-- the check reports what it found in sys.dm_exec_sessions.

USE master;
GO
IF SUSER_ID(N'{login}') IS NULL RAISERROR(N'create the login [{login}] first (see the top of this script)', 16, 1);
GO
`;

function procedureList(p: LoginPrivilege): string {
  return p.procedures === 'every' ? 'every procedure' : p.procedures.join(', ');
}

/** docs/grant-mirrorbook-login.sql: the grants, server-level first, then master, msdb, each database. */
export function grantScript(login = 'mirrorbook', databases: readonly string[] = ['Patriot', 'PatriotArchive']): string {
  const part = (p: LoginPrivilege, database = '') =>
    [
      `-- ${fill(p.name, login, database)} (${procedureList(p)}; ${p.servers === 'every' ? 'every server' : p.servers === 'partners' ? 'the partners' : 'the principal'}): ${p.needs} — ${p.source}`,
      ...(p.instead ? [`-- Not granted here: ${p.instead}. If you decide otherwise:`] : []),
      ...p.grant.map((line) => `${p.instead ? '-- ' : ''}${fill(line, login, database)}`),
    ].join('\n');
  const group = (grantIn: LoginPrivilege['grantIn']) => LOGIN_PRIVILEGES.filter((p) => p.grantIn === grantIn);
  const sections = [
    `-- ── the server ──\n${group('server')
      .map((p) => part(p))
      .join('\n')}\nGO`,
    `-- ── master ──\nUSE master;\nGO\n${group('master')
      .map((p) => part(p))
      .join('\n')}\nGO`,
    `-- ── msdb ──\nUSE msdb;\nGO\n${group('msdb')
      .map((p) => part(p))
      .join('\n')}\nGO`,
    ...databases.map(
      (database) =>
        `-- ── ${database}, on the principal only (repeat for every mirrored database) ──\nUSE [${database.replaceAll(']', ']]')}];\nGO\n${group('each')
          .map((p) => part(p, database))
          .join('\n')}\nGO`,
    ),
  ];
  return `${fill(SCRIPT_HEAD, login)}\n${sections.join('\n\n')}\n`;
}

/** README.md's table: one row per privilege, with the procedures that need it. */
export function privilegeTable(): string {
  const rows = LOGIN_PRIVILEGES.map(
    (p) =>
      `| ${p.name.replace('{database}', 'each mirrored database')} | ${procedureList(p)} | ${p.servers === 'every' ? 'every server' : p.servers === 'partners' ? 'the partners' : 'the principal'} | ${p.needs} | ${p.source} |`,
  );
  return ['| privilege | procedures | where | what needs it | source |', '|---|---|---|---|---|', ...rows].join('\n');
}
