-- The least privileges of the mirrorbook login (instead of sysadmin), per procedure and option.
-- Run on EVERY server of the pair (principal, mirror, witness) as a sysadmin, in SSMS or sqlcmd;
-- the last part (each mirrored database) on the principal only. Printed by
-- `mirrorbook init --grants` from steps/login-privileges.ts, the list `mirrorbook check <procedure> [options]` compares
-- the login against and README.md's table ("The mirrorbook login's privileges") shows. Each grant
-- names the learn.microsoft.com page whose Permissions section asks for it. Replace [mirrorbook]
-- everywhere if the login has another name.
--
-- One login, the same on every server: a database user maps to its login by SID, and the users in
-- the mirrored databases travel to the mirror in the backups. Use a Windows login (the same SID
-- everywhere), or create the SQL login on the other servers with the SID it has on the principal:
--   SELECT SUSER_SID(N'mirrorbook');                                        -- on the principal
--   CREATE LOGIN [mirrorbook] WITH PASSWORD = N'…', SID = 0x…;              -- on the others
-- Not granted here, on purpose: sysadmin, CONTROL SERVER and securityadmin. sync-logins copies SQL
-- logins with their password hash, which only CONTROL SERVER reads before SQL Server 2022 (from
-- 2022: GRANT VIEW ANY CRYPTOGRAPHICALLY SECURED DEFINITION); without it, create the application
-- logins on the mirror by hand (same SID and password) and sync-logins finds them done. failover's
-- application check reads the error log's 18456 lines (sp_readerrorlog: securityadmin); without it
-- the check reports what it found in sys.dm_exec_sessions.

USE master;
GO
IF SUSER_ID(N'mirrorbook') IS NULL RAISERROR(N'create the login [mirrorbook] first (see the top of this script)', 16, 1);
GO

-- ── the server ──
-- VIEW SERVER STATE (every procedure; every server): DMVs: other sessions, backup/restore progress, the mirroring counters, sys.dm_server_services — "sys.dm_exec_sessions", "sys.dm_os_performance_counters", "sys.dm_server_services"
GRANT VIEW SERVER STATE TO [mirrorbook];
-- VIEW ANY DEFINITION (every procedure; every server): catalog views of objects it neither owns nor has a permission on (mirroring, certificates, endpoints, logins) — "Metadata Visibility Configuration"
GRANT VIEW ANY DEFINITION TO [mirrorbook];
-- CREATE ENDPOINT (setup, certificate-setup, domain-setup, add-witness; every server): CREATE ENDPOINT — "CREATE ENDPOINT"
GRANT CREATE ENDPOINT TO [mirrorbook];
-- ALTER ANY ENDPOINT (setup, certificate-setup, domain-setup, add-witness, cleanup; every server): ALTER / DROP ENDPOINT, GRANT CONNECT ON ENDPOINT to the peer — "ALTER ENDPOINT", "DROP ENDPOINT", "GRANT Endpoint Permissions"
GRANT ALTER ANY ENDPOINT TO [mirrorbook];
-- ALTER ANY LOGIN (setup, certificate-setup, domain-setup, add-witness, sync-logins, failover, failback, cleanup; every server): CREATE / ALTER / DROP LOGIN (peer logins; sync-logins, also in setup, failover, failback) — "CREATE LOGIN", "ALTER LOGIN", "DROP LOGIN"
GRANT ALTER ANY LOGIN TO [mirrorbook];
-- ALTER ANY DATABASE (setup, restore, enable, failover, failback, promote, resume-session, suspend, set-safety-full, set-safety-off, add-witness, remove-witness, disable; the partners): ALTER DATABASE … SET RECOVERY / PARTNER / WITNESS / SAFETY / FAILOVER / FORCE_SERVICE_ALLOW_DATA_LOSS, also on a mirror copy in RESTORING — "ALTER DATABASE Database Mirroring", "ALTER DATABASE SET Options"
GRANT ALTER ANY DATABASE TO [mirrorbook];
-- dbcreator (setup, restore, disable; the partners): RESTORE over an existing database (sysadmin or dbcreator; db_owner does not count) or a new one (CREATE DATABASE) — "RESTORE Statements"
ALTER SERVER ROLE [dbcreator] ADD MEMBER [mirrorbook];
-- sysadmin (cleanup --remove-backups; the partners): xp_delete_file, what the Maintenance Cleanup Task runs: maintenance plans are for sysadmin, and xp_delete_file itself is undocumented, with no permission to grant — "Maintenance Cleanup Task", "Create a Maintenance Plan" (Permissions: sysadmin)
-- Not granted here: run `cleanup --remove-backups` with a sysadmin login in the config, or delete the files `mirrorbook plan cleanup --remove-backups` lists by hand; the mirrorbook login is not meant to be sysadmin. If you decide otherwise:
-- ALTER SERVER ROLE [sysadmin] ADD MEMBER [mirrorbook];
GO

-- ── master ──
USE master;
GO
-- db_owner in master (every procedure; every server): the run anchor in the error log (xp_logevent); CREATE MASTER KEY, CREATE / BACKUP CERTIFICATE, CREATE USER in master — "xp_logevent", "CREATE MASTER KEY", "CREATE CERTIFICATE", "BACKUP CERTIFICATE", "CREATE USER"
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [db_owner] ADD MEMBER [mirrorbook];
GO

-- ── msdb ──
USE msdb;
GO
-- msdb db_datareader (every procedure; every server): backup history (msdb.dbo.backupset, backupmediafamily, restorehistory) — "backupset (Transact-SQL)"
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [db_datareader] ADD MEMBER [mirrorbook];
-- INSERT on msdb.dbo.mirrorbook_run_anchors (every procedure; every server): the run anchor row (the table created here, so the login needs no CREATE TABLE in msdb) — "INSERT (Transact-SQL)"
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
IF NOT EXISTS (SELECT 1 FROM msdb.sys.tables WHERE name = N'mirrorbook_run_anchors')
  CREATE TABLE dbo.mirrorbook_run_anchors (
    run_id nvarchar(64) NOT NULL, procedure_name nvarchar(128) NOT NULL, operator nvarchar(256) NOT NULL,
    started_at datetime2(3) NOT NULL, ended_at datetime2(3) NULL, outcome nvarchar(32) NOT NULL,
    head_seq bigint NOT NULL, head_hash varchar(80) NOT NULL, store_host nvarchar(256) NOT NULL,
    written_at datetime2(3) NOT NULL, store_id varchar(64) NULL);
GRANT SELECT, INSERT ON dbo.mirrorbook_run_anchors TO [mirrorbook];
-- msdb SQLAgentUserRole (copy-agent-jobs; the partners): sp_add_job, sp_add_jobstep, sp_add_jobschedule, sp_add_jobserver (sysadmin or one of msdb's Agent roles; the least is enough for jobs the login creates). The copies are owned by the mirrorbook login: no @owner_login_name is sent, which only sysadmin may set; a sysadmin gives them to the source's owner afterwards (sp_update_job @owner_login_name). A CmdExec or PowerShell step needs a proxy unless its creator is sysadmin: copy such jobs as a sysadmin — "sp_add_job", "sp_add_jobstep", "sp_add_jobschedule", "sp_add_jobserver", "SQL Server Agent Fixed Database Roles"
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [SQLAgentUserRole] ADD MEMBER [mirrorbook];
-- CONTROL on msdb.dbo.mirrorbook_run_anchors (cleanup --drop-anchors; the partners): DROP TABLE of the run anchors (ALTER on the schema dbo, CONTROL on the table, or db_ddladmin) — "DROP TABLE"
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
GRANT CONTROL ON dbo.mirrorbook_run_anchors TO [mirrorbook];
GO

-- ── Patriot, on the principal only (repeat for every mirrored database) ──
USE [Patriot];
GO
-- db_backupoperator in Patriot (setup, restore; the principal): BACKUP DATABASE and BACKUP LOG of each mirrored database (the user travels to the mirror in the backup) — "BACKUP (Transact-SQL)"
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [db_backupoperator] ADD MEMBER [mirrorbook];
GO

-- ── PatriotArchive, on the principal only (repeat for every mirrored database) ──
USE [PatriotArchive];
GO
-- db_backupoperator in PatriotArchive (setup, restore; the principal): BACKUP DATABASE and BACKUP LOG of each mirrored database (the user travels to the mirror in the backup) — "BACKUP (Transact-SQL)"
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [db_backupoperator] ADD MEMBER [mirrorbook];
GO
