-- The least privileges of the mirrorbook login (instead of sysadmin), per procedure.
-- Run on EVERY server of the pair (principal, mirror, witness) as a sysadmin, in SSMS or sqlcmd.
-- Printed by `mirrorbook init --grants`; README.md ("The mirrorbook login's privileges") has the
-- table per procedure. Each grant names the learn.microsoft.com page whose Permissions section
-- asks for it. Replace [mirrorbook] everywhere if the login has another name.
--
-- One login, the same on every server: a database user maps to its login by SID, and the users in
-- the mirrored databases travel to the mirror in the backups. Use a Windows login (the same SID
-- everywhere), or create the SQL login on the other servers with the SID it has on the principal:
--   SELECT SID_BINARY(N'mirrorbook');                                    -- on the principal
--   CREATE LOGIN [mirrorbook] WITH PASSWORD = N'…', SID = 0x…;           -- on the others
-- Not granted here, on purpose: sysadmin, CONTROL SERVER (see sync-logins below) and securityadmin.

USE master;
GO
IF SUSER_ID(N'mirrorbook') IS NULL RAISERROR(N'create the login [mirrorbook] first (see the top of this script)', 16, 1);
GO

-- ── every procedure: reading the pair ────────────────────────────────────────────────────────────
-- sys.dm_exec_sessions (other sessions), sys.dm_exec_requests (backup/restore progress),
-- sys.dm_os_performance_counters (the mirroring queues), sys.dm_server_services (domain-setup):
-- "sys.dm_exec_sessions", "sys.dm_os_performance_counters", "sys.dm_server_services" → VIEW SERVER STATE
GRANT VIEW SERVER STATE TO [mirrorbook];
-- sys.database_mirroring, sys.certificates, sys.endpoints, sys.server_principals of objects the
-- login neither owns nor has a permission on ("Metadata Visibility Configuration")
GRANT VIEW ANY DEFINITION TO [mirrorbook];
GO

-- ── certificate-setup, domain-setup, add-witness, cleanup: the mirroring endpoint ─────────────────
-- "CREATE ENDPOINT": CREATE ENDPOINT (or sysadmin)
GRANT CREATE ENDPOINT TO [mirrorbook];
-- "ALTER ENDPOINT", "DROP ENDPOINT", "GRANT Endpoint Permissions" (CONNECT to the peer's login):
-- ALTER ANY ENDPOINT
GRANT ALTER ANY ENDPOINT TO [mirrorbook];
GO

-- ── certificate-setup, sync-logins, cleanup: logins ──────────────────────────────────────────────
-- "CREATE LOGIN", "ALTER LOGIN", "DROP LOGIN": ALTER ANY LOGIN
GRANT ALTER ANY LOGIN TO [mirrorbook];
-- sync-logins (also the first step of setup's end, failover and failback) copies SQL logins with
-- their password hash: reading it needs CONTROL SERVER, or from SQL Server 2022 VIEW ANY
-- CRYPTOGRAPHICALLY SECURED DEFINITION ("sys.sql_logins"). On 2022 and later:
-- GRANT VIEW ANY CRYPTOGRAPHICALLY SECURED DEFINITION TO [mirrorbook];
-- Before 2022 only CONTROL SERVER reads it (nearly sysadmin): either grant it knowingly, or create
-- the application logins on the mirror by hand (same SID and password) and sync-logins finds them done.
-- It also adds those logins to the server roles they have on the principal, which needs
-- membership in each of those roles ("ALTER SERVER ROLE").
GO

-- ── every procedure that changes a database (restore, enable, failover/failback, promote,
--    resume-session, suspend, set-safety-*, add/remove-witness, disable) ──────────────────────────
-- "ALTER DATABASE Database Mirroring" (SET PARTNER, WITNESS, SAFETY, FAILOVER, FORCE_SERVICE_…) and
-- "ALTER DATABASE SET Options" (RECOVERY FULL): ALTER on the database. ALTER ANY DATABASE gives it on
-- every database, including a mirror copy in RESTORING, where no database user can be checked.
GRANT ALTER ANY DATABASE TO [mirrorbook];
-- "RESTORE Statements" (restore, and disable's RESTORE … WITH RECOVERY): over an existing database
-- sysadmin or dbcreator — db_owner does not count, its membership cannot be read while the database
-- is being restored; a new database needs CREATE DATABASE, which dbcreator has.
ALTER SERVER ROLE [dbcreator] ADD MEMBER [mirrorbook];
GO

-- ── master: master key, certificates and users (certificate-setup, cleanup) and the run anchors ──
-- "CREATE MASTER KEY": CONTROL on the database; "CREATE CERTIFICATE": CREATE CERTIFICATE (and
-- IMPERSONATE on the user named in AUTHORIZATION); "BACKUP CERTIFICATE": CONTROL on the
-- certificate; "CREATE USER": ALTER ANY USER; "xp_logevent" (each run's anchor in the error log):
-- membership in db_owner of master. db_owner of master covers all of these.
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [db_owner] ADD MEMBER [mirrorbook];
GO

-- ── msdb: backup history (restore, enable) and the run anchors (every run) ───────────────────────
USE msdb;
GO
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
-- msdb.dbo.backupset / backupmediafamily / restorehistory: SELECT
ALTER ROLE [db_datareader] ADD MEMBER [mirrorbook];
-- The anchors table, created here so the login needs no CREATE TABLE in msdb (mirrorbook creates it
-- on first use only when it is missing; the same columns as steps/run-anchor.ts).
IF NOT EXISTS (SELECT 1 FROM msdb.sys.tables WHERE name = N'mirrorbook_run_anchors')
  CREATE TABLE dbo.mirrorbook_run_anchors (
    run_id nvarchar(64) NOT NULL, procedure_name nvarchar(128) NOT NULL, operator nvarchar(256) NOT NULL,
    started_at datetime2(3) NOT NULL, ended_at datetime2(3) NULL, outcome nvarchar(32) NOT NULL,
    head_seq bigint NOT NULL, head_hash varchar(80) NOT NULL, store_host nvarchar(256) NOT NULL,
    written_at datetime2(3) NOT NULL);
GRANT SELECT, INSERT ON dbo.mirrorbook_run_anchors TO [mirrorbook];
GO

-- ── each mirrored database, on the principal (the user travels to the mirror in the backup) ──────
-- "BACKUP": BACKUP DATABASE and BACKUP LOG (db_backupoperator). Repeat for every database.
USE [Patriot];
GO
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [db_backupoperator] ADD MEMBER [mirrorbook];
GO
USE [PatriotArchive];
GO
IF DATABASE_PRINCIPAL_ID(N'mirrorbook') IS NULL CREATE USER [mirrorbook] FOR LOGIN [mirrorbook];
ALTER ROLE [db_backupoperator] ADD MEMBER [mirrorbook];
GO

-- Optional: failover's application check shows the last 18456 lines of the new principal's error
-- log (sp_readerrorlog needs securityadmin, which can grant itself more: not granted; without it
-- the check says what it found in sys.dm_exec_sessions and leaves the log to you).
