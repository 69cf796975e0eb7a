// SQL Server error numbers → what an operator can do about them. The message SQL Server sends says
// what failed; the hint says where to look next, in the order a DBA would check.

const LACKS = 'mirrorbook check <procedure> names each privilege the login lacks on each server, with its GRANT; mirrorbook init --grants prints them all.';

const HINTS: Record<number, string> = {
  1418: "the partner's mirroring endpoint could not be reached or refused the connection. Check on both partners: the endpoint exists and is STARTED (sys.database_mirroring_endpoints), the peer's login has CONNECT on it (sys.server_permissions), the port in the mirroring address is the endpoint's LISTENER_PORT, the firewall lets that port through, and (certificate auth) each side holds the other's certificate and neither has expired. The partner's ERRORLOG names the exact handshake error (28034, 28035, 28024 …).",
  1412: 'the mirror copy is missing log: a log backup was taken on the principal and not restored on the mirror. Restore every log backup since the full backup, in order, WITH NORECOVERY on the mirror (msdb.dbo.backupset on the principal lists them) — enable does this itself when msdb lists them and the mirror can read the files (otherwise copy them where it reads backups and resume); when the mirror copy is not from our full backup, run the restore procedure again.',
  1478: 'the mirror copy does not have enough log: restore the missing log backup(s) taken on the principal, in order, WITH NORECOVERY on the mirror (msdb.dbo.backupset on the principal lists them) — enable does this itself when msdb lists them and the mirror can read the files (otherwise copy them where it reads backups and resume); when the mirror copy is not from our full backup, run the restore procedure again.',
  1416: 'the database is not (yet) configured for mirroring on the partner: run SET PARTNER on the mirror first, then on the principal.',
  1405: 'this database already takes part in a mirroring session; check sys.database_mirroring before changing it.',
  1452: 'the partner address points at this same instance: check pair.*.mirroringAddress in the config.',
  1464: 'the mirror copy is not in the RESTORING state (it was restored WITH RECOVERY): restore the full and log backups again WITH NORECOVERY.',
  1465: 'both databases must use the FULL recovery model.',
  1447: 'both partners must be up and connected: check status, the network and the endpoints, then retry.',
  1422: 'the mirror has not caught up yet: wait for SYNCHRONIZED (mirrorbook status) and retry.',
  1477: 'a manual failover needs SAFETY FULL: ALTER DATABASE … SET PARTNER SAFETY FULL on the principal, wait for SYNCHRONIZED, retry.',
  1404: 'the mirror is busy; retry in a moment.',
  1455: 'forced service is possible only on the mirror while the principal is disconnected; check which partner you are on and that the principal is really gone.',
  1431: 'neither the partner nor the witness is available: bring one back, or remove the witness (SET WITNESS OFF) before forcing service.',
  1473: 'this edition allows only SAFETY FULL (high-performance mode needs Enterprise): set safety: FULL in the config.',
  3201: 'SQL Server could not open the backup file: check that the path exists and that the SQL Server service account (not your login) can read/write it — for a UNC path, the share and NTFS permissions for that account.',
  3013: 'the backup or restore stopped; the error before this one says why.',
  3101: 'the database is in use: disconnect the applications (and the Patriot services) from it and retry.',
  3104: 'the database is part of a mirroring session: remove mirroring (disable) before restoring it.',
  3117: 'a previous restore used WITH RECOVERY, so no log can be rolled forward: restore the full backup again WITH NORECOVERY.',
  3154: 'the backup holds a different database: check backup.directory and the file names.',
  3159: 'the database exists on the mirror with a tail of log not backed up: if the mirror copy is disposable, restore WITH REPLACE (restore procedure), otherwise back up its log first.',
  4208: 'the database uses SIMPLE recovery: set it to FULL and take a full backup before log backups.',
  4214: 'there is no full backup yet for this log chain: take a full backup first.',
  4305: 'a log backup was skipped: an earlier log backup must be restored first. Restore the log backups in order of their LSNs (msdb.dbo.backupset).',
  4326: 'this log backup is already contained in the mirror copy: skip it and restore the next one.',
  4312: 'the log chain has a gap: take a new full backup and restore from it.',
  4621: 'server-scope permissions can only be granted in master.',
  7862: 'a DATABASE_MIRRORING endpoint already exists on this instance (only one is allowed): the probe should have found it — check its name, port and authentication with sys.database_mirroring_endpoints.',
  7890: 'the endpoint port is already used by another process: choose another endpoint.port or free it.',
  15025: 'the login already exists: the probe should have found it; check sys.server_principals.',
  15023: 'the user already exists in master: the probe should have found it; check sys.database_principals.',
  15063: 'the login is already mapped to another user in master; check sys.database_principals for its sid.',
  15232: 'the certificate already exists (possibly under another name): the probe should have found it; check master.sys.certificates.',
  15578: 'the master key already exists in master: the probe should have found it.',
  15581: 'master has no database master key: create it first (certificate-setup does).',
  15151: 'an object named in the statement does not exist or you lack permission: check the endpoint, login or certificate name.',
  15138: 'the user still owns a certificate: drop the certificate before the user.',
  15116: 'the password is too short for the Windows password policy.',
  15118: 'the password is not complex enough for the Windows password policy.',
  15208: 'the certificate file is missing or unreadable by the SQL Server service account: check the UNC path and share permissions.',
  15240: 'the certificate file already exists or the folder is not writable by the service account.',
  28034:
    "the peer's login has no CONNECT permission on the endpoint, or is disabled: GRANT CONNECT ON ENDPOINT::… TO the peer login (certificate-setup / domain-setup) and ALTER LOGIN … ENABLE; with certificates, the login is the one whose user owns (AUTHORIZATION) the peer's certificate.",
  28024:
    'a certificate bound to the endpoint login has expired: create a new certificate with a later EXPIRY_DATE on that instance and import it on the peers.',
  28025: 'a certificate bound to the endpoint login has expired: create a new certificate and import it on the peers.',
  28055: 'the endpoint certificate is not valid now (expired, not yet valid, or its private key is not protected by the master key).',
  28027:
    'the endpoints share no encryption algorithm (a guide-built endpoint uses RC4, a new one AES): run setup again — it realigns every endpoint to endpoint.algorithm with ALTER ENDPOINT … FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES), asking first while a session runs — or keep RC4 on both with endpoint.algorithm: RC4 and allowRc4: true.',
  28035:
    "the accepting instance does not hold the peer's certificate (or holds another one): import the peer's current certificate into master there (certificate-setup does, comparing thumbprints).",
  28036:
    'the endpoint names a certificate that no longer exists in master: recreate the certificate, or ALTER ENDPOINT … FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE <an existing one>).',
  28022:
    'the endpoint certificate is not valid yet (its START_DATE is ahead of the server clock): create it with a START_DATE in the past (mirrorbook backdates by auth.backdateDays) or fix the clock.',
  28023: 'the endpoint certificate has expired: create a new certificate with a later EXPIRY_DATE, point the endpoint at it, and import it on the peers.',
  28048:
    'Windows authentication between the endpoints failed: the SQL Server services must run as domain accounts with logins on each other (domain-setup), or use certificate authentication (certificate-setup).',
  28080:
    "the peer's endpoint does not serve this role: ALTER ENDPOINT … FOR DATABASE_MIRRORING (ROLE = ALL) on it (WITNESS for a witness, PARTNER or ALL for a partner).",
  18456: 'login failed: check pair.*.login and the password source in the config.',
  229: `the mirrorbook login lacks a permission this statement needs: ${LACKS}`,
  262: `the mirrorbook login lacks a permission in this database: ${LACKS}`,
  15247: `the mirrorbook login lacks the permission for this action: ${LACKS}`,
  297: `the mirrorbook login lacks VIEW SERVER STATE: ${LACKS}`,
  300: `the mirrorbook login lacks VIEW SERVER STATE: ${LACKS}`,
  4613: `the mirrorbook login may not grant this server permission: ${LACKS}`,
  3110: `RESTORE over an existing database needs dbcreator (db_owner does not count): ${LACKS}`,
  15003: 'reading the error log needs securityadmin, which mirrorbook does not ask for: read the ERRORLOG yourself, or run with a login that has it.',
  916: 'the login has no user in this database: its database user belongs to a login with another SID (an orphaned user after a restore or failover) — run sync-logins, which copies logins with their SIDs.',
  911: 'the database does not exist on this instance: check the databases list.',
  927: 'the database is in the middle of a restore (RESTORING).',
  954: 'the database is acting as a mirror and cannot be opened.',
  5011: 'the database does not exist or is not accessible on this server: check you are on the right partner.',
};

/** Errors that stay until someone changes the config, a permission, a file or the server (a login,
 * a path, an edition, an expired certificate): resuming helps only after that fix. The others
 * (busy, not caught up yet, partners reconnecting) may pass by themselves. */
const FIX_FIRST: ReadonlySet<number> = new Set([
  18456, 229, 262, 15247, 297, 300, 4613, 3110, 15003, 1452, 1464, 1465, 1473, 3117, 3154, 3201, 4208, 4312, 7890, 911, 916, 15116, 15118, 15151, 15208, 15240,
  28024, 28025, 28027, 28034, 28055,
]);

export function needsFixFirst(errorNumber: number): boolean {
  return FIX_FIRST.has(errorNumber);
}

export function hintFor(errorNumber: number | undefined): string | undefined {
  return errorNumber === undefined ? undefined : HINTS[errorNumber];
}

/** The numbers the hints cover (for documentation and tests). */
export function hintedErrors(): number[] {
  return Object.keys(HINTS).map(Number);
}
