// The lab's state: plain, JSON-serialisable data, so that a lab survives a restart of its process
// (lab/persist writes it to the lab directory after every change). Behaviour lives elsewhere:
// lab/instance (security objects, services, sessions), lab/storage (files, backup, restore),
// lab/mirroring (partners, witness, the state machine, the workload), lab/server (T-SQL → those).
//
// Glossary
//   lab        — the simulated site: instances, their hosts' file systems, the network between them.
//   host       — a simulated Windows machine ("SQLPRI01"); owns a file system and SMB shares.
//   instance   — one SQL Server instance on a host; speaks TDS on a loopback port.
//   LSN        — a log sequence number; here a safe integer counter per database, rendered as
//                numeric(25,0) by the catalog views.
//   fork       — a recovery fork (recovery_fork_guid); RESTORE … WITH RECOVERY after divergence and
//                forced service start a new one.

export const LAB_STATE_VERSION = 1;

export type SqlVersionName = '2008R2' | '2012' | '2014' | '2016' | '2017' | '2019' | '2022';
export type Edition = 'Enterprise' | 'Standard' | 'Developer' | 'Express';

export interface LabState {
  version: typeof LAB_STATE_VERSION;
  /** Monotonic counters for ids that must never repeat inside a lab. */
  nextIds: { spid: number; databaseId: number; principalId: number; certificateId: number; endpointId: number };
  hosts: Record<string, HostState>;
  instances: Record<string, InstanceState>;
  /** Faults injected with `lab fault`, by instance name. */
  faults: Record<string, FaultState>;
  /** lab/mirroring: the time advanceLab last ran (ISO); the next call simulates from here. */
  advancedAt?: string;
  /** lab/mirroring: committed transactions thrown away by forced service or by RESUME's rollback. */
  dataLoss?: DataLossRecord[];
  /** Client programs thrown out by a role change or a lost instance, retrying through the failover
   * partner until the database's principal lets them in (lab/mirroring/reconnect). */
  reconnecting?: ReconnectingProgram[];
  /** With MIRRORBOOK_LAB_KEY_POOL (lab/crypto/key-pool.ts): the index of the next pooled key of each
   * size this lab takes; a key once taken is never taken again, as no two certificates share one. */
  keyPoolNext?: Record<string, number>;
}

export interface ReconnectingProgram {
  program: ClientProgram;
  /** The instances its connection string names: the one it was on and that one's mirroring partner. */
  instances: string[];
  /** Why the last attempt failed (logged once per change, as SQL Server logs failed logins). */
  lastError?: string;
}

export interface DataLossRecord {
  at: string;
  database: string;
  /** The instance whose committed transactions were lost. */
  instance: string;
  transactions: number;
  reason: 'FORCE_SERVICE' | 'RESUME_ROLLBACK';
}

export interface FaultState {
  /** Instance stopped: TDS port refuses, partners see it gone. */
  down: boolean;
  /** Mirroring traffic to and from this instance is cut (TDS still answers). */
  isolated: boolean;
  /** Extra latency in ms added to each TDS response and to log shipping. */
  slowMs: number;
  /** How far the host's clock is off the real one (ms; `lab fault <instance> clock <offset>`): what
   * GETDATE and its kin answer and what certificate dates are judged by there. Absent: 0. */
  clockOffsetMs?: number;
}

export interface HostState {
  name: string;
  /** Windows paths, case-insensitive; keys are stored upper-cased, `path` keeps the original spelling. */
  files: Record<string, FileEntry>;
  /** SMB shares: share name (upper-cased) → local directory, so \\HOST\share\x resolves to a local path. */
  shares: Record<string, string>;
  /** Directories that exist (upper-cased, no trailing backslash). */
  directories: string[];
  /** Windows around SQL Server (lab/storage/share-access.ts, lab/storage/volumes.ts); absent in a lab
   * made before they existed, which reads as the defaults: domain LAB, shares open to Everyone. */
  windows?: HostWindows;
}

export interface HostWindows {
  /** The Active Directory domain the host is joined to; null for a workgroup. */
  domain: string | null;
  /** Local accounts (SAM), by upper-cased name: a workgroup's way to reach another host's shares. */
  localAccounts: Record<string, { name: string; passwordDigest: string }>;
  /** Share permissions by upper-cased share name: accounts or groups granted (Everyone, LAB\sqlsvc …). */
  sharePermissions: Record<string, string[]>;
  /** Local Administrators group members (accounts or domain groups): only they open C$, D$ … */
  administrators: string[];
  /** Volumes by drive letter ("C:"): size and the space taken by everything the lab does not model. */
  volumes: Record<string, { totalMB: number; otherUsedMB: number }>;
}

export type FileEntry =
  /** `copyOf`: the file was copied from there (msdb lists a backup where it was written, once). */
  | { kind: 'backup'; path: string; media: BackupSet[]; copyOf?: string }
  | { kind: 'certificate'; path: string; derBase64: string }
  | { kind: 'private-key'; path: string; pvkBase64: string }
  | { kind: 'data'; path: string; database: string; logicalName: string; sizeMB: number };

/** A database file: 'D' rows data, 'L' log, 'S' FILESTREAM data (a folder, in its filegroup). */
export interface DatabaseFile {
  logicalName: string;
  physicalName: string;
  type: 'D' | 'L' | 'S';
  sizeMB: number;
  /** The FILESTREAM filegroup of an 'S' file. */
  filegroup?: string;
}

export interface BackupSet {
  /** 1-based position in the media (RESTORE … WITH FILE = n). */
  position: number;
  type: 'FULL' | 'LOG';
  database: string;
  databaseGuid: string;
  recoveryForkGuid: string;
  firstLsn: number;
  lastLsn: number;
  /** For a log backup: the LSN of the full backup the chain starts from. */
  databaseBackupLsn: number;
  sizeMB: number;
  startedAt: string;
  finishedAt: string;
  /** Logical file names and where they lived on the source (for MOVE and FILELISTONLY). */
  files: DatabaseFile[];
  /** Committed transactions contained up to lastLsn (for counting what a restore brings). */
  committedTransactions: number;
  /** Optional extras (lab/storage): RESTORE HEADERONLY columns and the 3154 relationship check. */
  familyGuid?: string;
  copyOnly?: boolean;
  serverName?: string;
  recoveryModel?: 'FULL' | 'BULK_LOGGED' | 'SIMPLE';
  /** Rows per table at backup time, so a restored copy has the same data. */
  tables?: Record<string, number>;
  /** The database's users (they live in the database, so a restored copy has them; their logins do not travel). */
  users?: Record<string, DatabaseUser>;
  /** Log backups: where the log chain they belong to started (a later start means a broken chain: 4312). */
  logChainStartLsn?: number | null;
  /** WITH COMPRESSION: the file takes less room (msdb compressed_backup_size). */
  compressed?: boolean;
  /** The database's encryption key (TDE) as it travels in the backup; an encrypted one restores
   * only where master holds the certificate with that thumbprint (33111). */
  encryptionKey?: DatabaseEncryptionKey;
}

/** A table a client created: its columns and rows, values kept JSON-safe (dates and bigints as text). */
export interface UserTable {
  name: string;
  columns: { name: string; type: string; params: (number | 'max')[]; nullable: boolean }[];
  rows: (string | number | boolean | null)[][];
  createDate: string;
}

export interface InstanceState {
  /** @@SERVERNAME, e.g. "SQLPRI01" or "SQLPRI01\\PATRIOT". */
  name: string;
  host: string;
  /** Loopback TCP port the lab's TDS listener uses for this instance. */
  tdsPort: number;
  version: SqlVersionName;
  edition: Edition;
  service: ServiceState;
  logins: Record<string, Login>;
  /** Fixed server role memberships by login name (e.g. sysadmin). */
  serverRoleMembers: Record<string, string[]>;
  databases: Record<string, DatabaseState>;
  endpoint: MirroringEndpoint | null;
  serverPermissions: ServerPermission[];
  /** Simulated client programs (a running "Patriot" service is one). Real TDS clients are not stored. */
  programs: ClientProgram[];
  /** SQL Server Agent jobs (msdb.dbo.sysjobs / sysjobsteps), modelled as rows only: nothing runs them. */
  agentJobs?: AgentJob[];
  /** Always On availability groups this instance hosts a replica of (sys.availability_groups /
   * sys.availability_replicas), modelled as catalog rows only: nothing replicates. */
  availabilityGroups?: AvailabilityGroup[];
  /** ERRORLOG lines the lab writes (handshake failures, 1440/1441, 1443 …), newest last, capped. */
  errorLog: ErrorLogLine[];
  /** The archived error logs, ERRORLOG.1 first (lab/instance/service.ts cycles them). */
  errorLogArchives?: { closedAt: string; lines: ErrorLogLine[] }[];
  /** Knobs for behaviour the references mark [unverified]; see lab/README.md. */
  behaviour: BehaviourSwitches;
  /** Server Properties → Database Settings → default locations (SERVERPROPERTY('InstanceDefaultDataPath'
   * / 'InstanceDefaultLogPath')); absent: the instance's DATA folder. */
  defaultPaths?: { data: string; log: string };
  /** sp_configure 'filestream access level' as configured and as running (after RECONFIGURE);
   * absent: 0, FILESTREAM disabled (the default). */
  filestreamAccessLevel?: { config: number; run: number };
  /** msdb's database mirroring monitor: its status table and its Agent job (lab/mirroring/monitor-status). */
  dbmMonitor?: DbmMonitor;
}

export interface DbmMonitor {
  /** "Database Mirroring Monitor Job", created by sp_dbmmonitoraddmonitoring; null once dropped. */
  job: { jobId: string; updatePeriodMinutes: number; createdAt: string; lastRunAt: string | null } | null;
  /** The status table sp_dbmmonitorupdate fills and sp_dbmmonitorresults reads, oldest first. */
  rows: DbmMonitorRow[];
}

/** One row of the status table; figures that do not apply to the role are null (sp_dbmmonitorupdate). */
export interface DbmMonitorRow {
  database: string;
  role: 1 | 2;
  mirroringState: number;
  witnessStatus: number;
  logGenerationRate: number | null;
  unsentLog: number | null;
  sendRate: number | null;
  unrestoredLog: number | null;
  recoveryRate: number | null;
  transactionDelay: number | null;
  transactionsPerSec: number | null;
  averageDelay: number | null;
  timeRecorded: string;
  timeBehind: string | null;
  localTime: string;
  /** Cumulative figures at this row: the next row's rates are averages since this one. */
  at: { endLsn: number; bytesSent: number; bytesRedone: number; transactionDelayMs: number; mirroredTransactions: number };
}

export interface ServiceState {
  serviceName: string;
  account: string;
  status: 'Running' | 'Stopped';
  processId: number;
  /** ISO timestamp; changes on every restart (service-account change, `lab fault down/up`). */
  lastStartupTime: string;
}

export interface Login {
  name: string;
  principalId: number;
  sidHex: string;
  type: 'S' | 'U' | 'G';
  /** scrypt hash, never the password; null for Windows logins. */
  passwordHash: string | null;
  isDisabled: boolean;
  createDate: string;
  defaultDatabase: string;
  /** DEFAULT_LANGUAGE (a sys.syslanguages name); absent: the server's default, us_english. */
  defaultLanguage?: string;
}

export interface DatabaseUser {
  name: string;
  principalId: number;
  type: 'S' | 'U' | 'C';
  loginSidHex: string | null;
  createDate: string;
  /** Fixed database roles it is a member of (ALTER ROLE … ADD MEMBER), lower-case; absent: none. */
  roles?: string[];
  /** GRANT / DENY in this database: on an object (`dbo.name`, lower-case) or the database (null). */
  permissions?: DatabasePermission[];
}

export interface DatabasePermission {
  object: string | null;
  /** As written, upper-case: 'SELECT', 'INSERT', 'CREATE TABLE' … */
  permission: string;
  state: 'G' | 'D';
}

export interface Certificate {
  name: string;
  certificateId: number;
  /** Owning database principal (user) id. */
  principalId: number;
  subject: string;
  issuer: string;
  serialHex: string;
  startDate: string;
  expiryDate: string;
  thumbprintHex: string;
  /** The DER bytes CERTENCODED returns and BACKUP CERTIFICATE writes. */
  derBase64: string;
  /** PKCS#8 private key (PEM) when the key is present; null for imported public certificates. */
  privateKeyPem: string | null;
  privateKeyEncryption: 'MK' | 'PW' | 'NA';
  pvtKeyLastBackupDate: string | null;
}

/** CREATE DATABASE ENCRYPTION KEY … ENCRYPTION BY SERVER CERTIFICATE (sys.dm_database_encryption_keys). */
export interface DatabaseEncryptionKey {
  algorithm: 'AES_128' | 'AES_192' | 'AES_256' | 'TRIPLE_DES_3KEY';
  /** The thumbprint (SHA-1, hex) of the certificate in master that protects the key. */
  encryptorThumbprintHex: string;
  createDate: string;
  /** SET ENCRYPTION ON: encryption_state 3 (the scan is instant in the lab), else 1. */
  encrypted: boolean;
  setDate: string | null;
}

export interface MasterKey {
  createDate: string;
  algorithm: 'AES_256' | 'TRIPLE_DES';
  keyGuid: string;
  /** What the key is encrypted by, as a login's password is kept (scrypt); absent in older state files. */
  passwordHash?: string;
}

export interface DatabaseState {
  name: string;
  databaseId: number;
  state: 'ONLINE' | 'RESTORING' | 'RECOVERING' | 'RECOVERY_PENDING' | 'SUSPECT' | 'EMERGENCY' | 'OFFLINE';
  recoveryModel: 'FULL' | 'BULK_LOGGED' | 'SIMPLE';
  isSystem: boolean;
  createDate: string;
  databaseGuid: string;
  familyGuid: string;
  recoveryForkGuid: string;
  /** Simulated size; backup and restore durations grow with it. */
  sizeMB: number;
  files: DatabaseFile[];
  log: DatabaseLog;
  users: Record<string, DatabaseUser>;
  certificates: Record<string, Certificate>;
  masterKey: MasterKey | null;
  /** Committed user transactions so far (the workload adds to it; lost ones can be counted). */
  committedTransactions: number;
  /** Rows per user table, for a database "with data". */
  tables: Record<string, number>;
  /** Tables created with CREATE TABLE (lab/storage/user-tables.ts), by lower-case name; absent in
   * state files written before they existed. */
  userTables?: Record<string, UserTable>;
  mirroring: MirroringState | null;
  /** A database snapshot (CREATE DATABASE … AS SNAPSHOT OF): its source's name; read-only. */
  snapshotOf?: string;
  /** ALTER DATABASE … SET SINGLE_USER / RESTRICTED_USER; absent is MULTI_USER. */
  userAccess?: 'SINGLE_USER' | 'RESTRICTED_USER';
  /** Transparent Data Encryption: the database encryption key, protected by a certificate in master. */
  encryptionKey?: DatabaseEncryptionKey;
  /** Transactions per second the workload commits while this copy is the writable one. */
  workloadTps: number;
  /** lab/mirroring: the fraction of a transaction the workload has not committed yet. */
  workloadCarry?: number;
}

export interface DatabaseLog {
  /** Current end of log. */
  endLsn: number;
  /** LSN of the last full backup (the chain's base), or null if never backed up. */
  lastFullBackupLsn: number | null;
  /** lastLsn of the last log backup; the next log backup starts here. */
  lastLogBackupLsn: number | null;
  /** True once a full backup exists under FULL recovery (log backups possible from then on). */
  logChainStarted: boolean;
  /** While RESTORING: what has been restored so far (the next log must start at or before it). */
  restoredThroughLsn: number | null;
  /** While RESTORING: the full backup's LSN the restore sequence is based on. */
  restoredFromFullLsn: number | null;
  /** Where the first log backup after the chain's first full backup starts (lab/storage). */
  logChainStartLsn?: number | null;
  /** Minimally logged (BULK_LOGGED) work not yet in a log backup: a mirror cannot start (1475). */
  bulkLoggedSinceLogBackup?: boolean;
}

export type MirroringStateDesc = 'SUSPENDED' | 'DISCONNECTED' | 'SYNCHRONIZING' | 'PENDING_FAILOVER' | 'SYNCHRONIZED';

export interface MirroringState {
  guid: string;
  role: 'PRINCIPAL' | 'MIRROR';
  roleSequence: number;
  state: MirroringStateDesc;
  safety: 'FULL' | 'OFF';
  safetySequence: number;
  /** The partner's network address as given in SET PARTNER ('TCP://host:port'). */
  partnerName: string;
  /** The partner's @@SERVERNAME once the session has connected; null before. */
  partnerInstance: string | null;
  witnessName: string | null;
  witnessState: 'UNKNOWN' | 'CONNECTED' | 'DISCONNECTED' | null;
  failoverLsn: number;
  timeoutSeconds: number;
  /** Principal: log generated but not yet sent (KB). Mirror: 0. */
  sendQueueKB: number;
  /** Mirror: log received but not yet redone (KB). Principal: 0. */
  redoQueueKB: number;
  /** Set once the principal has connected (false on a mirror that only ran SET PARTNER). */
  established: boolean;
  /** lab/mirroring runtime. Principal: the LSN the mirror has hardened (log sent). */
  hardenedLsn?: number;
  /** When the session last (re)started synchronizing (ISO); SYNCHRONIZED needs a short dwell. */
  synchronizingSince?: string | null;
  /** Principal after FORCE_SERVICE_ALLOW_DATA_LOSS until RESUME: the returning partner stays SUSPENDED. */
  forced?: boolean;
  /** Principal with a witness that lost both partner and witness: it stops serving (955). */
  quorumLost?: boolean;
  /** When the partner was lost (ISO); automatic failover waits the session timeout. */
  disconnectedSince?: string | null;
  /** The state before the partner was lost (automatic failover needs SYNCHRONIZED). */
  stateBeforeDisconnect?: MirroringStateDesc | null;
  /** Transactions lost when this copy was forced into service (FORCE_SERVICE_ALLOW_DATA_LOSS). */
  lostTransactions?: number;
  /** lab/mirroring: cumulative counters behind the Database Mirroring rate counters (bytes sent by
   * this principal, bytes redone by this mirror, total commit delay and mirrored transactions). */
  counters?: MirroringCounters;
  /** lab/mirroring: committed transactions already counted into `counters`. */
  countedTransactions?: number;
  /** lab/mirroring: when the partners' connection last came up (ISO), null while apart; with the
   * counters as they were then, so sys.dm_db_mirroring_connections counts per connection. */
  connectedSince?: string | null;
  countersAtConnect?: MirroringCounters;
  /** Principal: since when its send queue has not been empty (ISO); null while the mirror has all of
   * the log. sp_dbmmonitorresults' time_behind comes from it. */
  queuedSince?: string | null;
}

export interface MirroringCounters {
  bytesSent: number;
  bytesRedone: number;
  transactionDelayMs: number;
  mirroredTransactions: number;
}

export interface MirroringEndpoint {
  name: string;
  endpointId: number;
  ownerPrincipalId: number;
  state: 'STARTED' | 'STOPPED' | 'DISABLED';
  port: number;
  listenerIp: string;
  role: 'NONE' | 'PARTNER' | 'WITNESS' | 'ALL';
  /** Authentication methods in the order they are tried. */
  auth: ({ kind: 'WINDOWS'; protocol: 'NTLM' | 'KERBEROS' | 'NEGOTIATE' } | { kind: 'CERTIFICATE'; certificate: string })[];
  encryption: 'DISABLED' | 'SUPPORTED' | 'REQUIRED';
  /** In order of preference; empty when DISABLED. */
  algorithms: ('AES' | 'RC4')[];
}

export interface ServerPermission {
  /** 105 = endpoint; 100 = server. */
  class: 100 | 105;
  majorId: number;
  granteePrincipalId: number;
  grantorPrincipalId: number;
  /** Permission type code: 'CO' CONNECT, 'AL' ALTER, 'CL' CONTROL, … */
  type: string;
  state: 'G' | 'W' | 'D';
}

export interface ClientProgram {
  spid: number;
  programName: string;
  hostName: string;
  loginName: string;
  database: string;
  loginTime: string;
}

export interface AvailabilityGroup {
  groupId: string;
  name: string;
  /** Every replica of the group; the one whose serverName is this instance is the local one. */
  replicas: { replicaId: string; serverName: string; endpointUrl: string }[];
  /** This instance's databases in the group: sys.databases.group_database_id is set for them. */
  databases?: { name: string; groupDatabaseId: string }[];
}

/** One msdb.dbo.sysjobs row with its sysjobsteps (learn.microsoft.com: dbo.sysjobs, dbo.sysjobsteps). */
export interface AgentJob {
  jobId: string;
  name: string;
  enabled: boolean;
  description?: string | null;
  /** msdb.dbo.sysjobs.owner_sid (hex): the login that ran sp_add_job, or the @owner_login_name a
   * sysadmin gave; absent for jobs a lab state saved before owners were modelled: sa (0x01). */
  ownerSid?: string;
  createdAt: string;
  steps: AgentJobStep[];
  /** msdb.dbo.sysschedules rows attached to the job (sysjobschedules), from sp_add_jobschedule. */
  schedules?: AgentSchedule[];
}

/** One msdb.dbo.sysjobsteps row. The flow and retry fields are optional for lab states saved before
 * they were modelled; lab/instance/agent-jobs.ts STEP_DEFAULTS fills them as sp_add_jobstep would. */
export interface AgentJobStep {
  stepId: number;
  stepName: string;
  subsystem: 'TSQL' | 'CmdExec' | 'PowerShell';
  command: string;
  databaseName: string | null;
  onSuccessAction?: number;
  onSuccessStepId?: number;
  onFailAction?: number;
  onFailStepId?: number;
  retryAttempts?: number;
  retryInterval?: number;
}

export interface AgentSchedule {
  scheduleId: number;
  name: string;
  enabled: boolean;
  freqType: number;
  freqInterval: number;
  freqSubdayType: number;
  freqSubdayInterval: number;
  activeStartTime: number;
  /** Optional for states saved before they were modelled: SCHEDULE_DEFAULTS (lab/instance/agent-jobs.ts). */
  freqRelativeInterval?: number;
  freqRecurrenceFactor?: number;
  activeStartDate?: number;
  activeEndDate?: number;
  activeEndTime?: number;
}

export interface ErrorLogLine {
  ts: string;
  /** The message number; shown as an `Error: N.` prefix unless `processInfo` is set. */
  number?: number;
  text: string;
  /** The ProcessInfo column SQL Server shows ('Logon' for a refused mirroring login): such a line
   * is written as its text alone, its number (the handshake reason) kept for the lab's own tests. */
  processInfo?: string;
}

/** Where the references disagree or are silent, the lab makes a choice you can change per instance. */
export interface BehaviourSwitches {
  /** SQL Server accepts a log-chain gap at SET PARTNER with 1478 (2008+) or 1412 (older). */
  missingLogError: 1478 | 1412;
  /** Asynchronous sessions (SAFETY OFF) report SYNCHRONIZED when caught up, or stay SYNCHRONIZING. */
  asyncReportsSynchronized: boolean;
  /** CREATE CERTIFICATE date warnings 15213-15215: severity 16 (still created) or 10. */
  certificateWarningClass: 10 | 16;
  /** Milliseconds of simulated backup/restore time per GB of database size. */
  backupMsPerGB: number;
  /** A (re)started session shows SYNCHRONIZING at least this long before SYNCHRONIZED; absent:
   * SYNCHRONIZED_AFTER_MS (lab/mirroring/advance.ts). */
  synchronizedAfterMs?: number;
}
