// The validated configuration every procedure and command works from (see load.ts for the file).
import type { Secret } from './secret.js';

export type PartnerRole = 'principal' | 'mirror' | 'witness';
/** The two partners of a mirroring session (the witness holds no copy of the databases). */
export type Partner = Exclude<PartnerRole, 'witness'>;

export interface ServerConfig {
  role: PartnerRole;
  /** Host name or address mirrorbook connects to (TDS). */
  server: string;
  port: number;
  /** What @@SERVERNAME must return; a different answer means the wrong server — refused. */
  instance: string;
  login: string;
  password: Secret;
  encrypt: boolean | 'strict';
  trustServerCertificate: boolean;
  /** Absolute path of a CA file for the TLS connection. */
  caFile?: string;
  /** TCP://host:port the partners use to reach this instance's endpoint. */
  mirroringAddress: string;
  /** The port of this instance's mirroring endpoint (from the mirroring address). */
  endpointPort: number;
}

export interface EndpointConfig {
  name: string;
  port: number;
  encryption: 'REQUIRED' | 'SUPPORTED' | 'DISABLED';
  algorithm: 'AES' | 'RC4' | 'AES RC4' | 'RC4 AES';
  allowRc4: boolean;
  /** `endpoint.names`: an instance's existing endpoint under another name, adopted (not duplicated:
   * an instance has one mirroring endpoint). Absent roles use `name`. */
  names?: Partial<Record<PartnerRole, string>>;
}

/** The endpoint name on the instance of `role`: its adopted name, else the configured one. */
export function endpointNameOf(endpoint: EndpointConfig, role: PartnerRole): string {
  return endpoint.names?.[role] ?? endpoint.name;
}

/** Names of the security objects each instance gets, by the role of the instance they stand for. */
export interface PeerNames {
  certificate: string;
  login: string;
  user: string;
}

export type AuthConfig =
  | { mode: 'domain'; serviceAccount: string }
  | {
      mode: 'certificate';
      names: Record<PartnerRole, PeerNames>;
      expiryYears: number;
      /** START_DATE is backdated by this many days so a peer whose clock is behind accepts it. */
      backdateDays: number;
      /** binary: CERTENCODED → FROM BINARY (2012+); file: BACKUP CERTIFICATE → UNC → FROM FILE. */
      exchange: 'binary' | 'file';
    };

export interface BackupConfig {
  /** Where the principal writes its backups (a path local to the principal). */
  directory: string;
  /** How the mirror reads that directory (a UNC path such as \\SQLPRI01\Backup). */
  mirrorReadsFrom: string;
  /** For the certificate file route: where the mirror writes, and how the principal reads it. */
  mirrorDirectory?: string;
  principalReadsFrom?: string;
  /** How the mirror is seeded: `backup` (default) takes a full and a log backup in this run (COPY_ONLY
   * where the database has a backup chain); `existing` restores the newest usable backups msdb lists. */
  seed: 'backup' | 'existing';
  /** Where the mirror copy's files go when the principal's folders do not exist on the mirror (else
   * the mirror's default data and log folders). */
  mirrorDataPath?: string;
  mirrorLogPath?: string;
}

export interface MirrorbookConfig {
  /** Absolute path of the config file; `file:` secrets are relative to its directory. */
  path: string;
  preset?: 'patriot';
  pair: { principal: ServerConfig; mirror: ServerConfig; witness?: ServerConfig };
  databases: string[];
  endpoint: EndpointConfig;
  auth: AuthConfig;
  backup: BackupConfig;
  secrets: { masterKeyPassword?: Secret; endpointLoginPassword?: Secret };
  /** Client programs that must not be connected to the mirror's databases during a restore. */
  applicationPrograms: string[];
  safety: 'FULL' | 'OFF';
  /** audit.key: the audit chain is an HMAC with it (config/audit-key.ts). */
  audit?: { key: Secret };
  /** Things that are allowed but a DBA should know (RC4 chosen, witness with SAFETY OFF …). */
  warnings: string[];
  monitor: MonitorConfig;
  /** `waits:` — how long a wait for SYNCHRONIZED (and a failover's end-state check) goes on while
   * nothing moves: the queues do not shrink, the state does not change. */
  waits: { withoutProgressSeconds: number };
}

export function partners(config: MirrorbookConfig): ServerConfig[] {
  const { principal, mirror, witness } = config.pair;
  return witness ? [principal, mirror, witness] : [principal, mirror];
}

/** A stable name for the pair, used for the run lock and in the audit ("SQLMIR01+SQLPRI01"): the
 * partners' instance names as @@SERVERNAME compares them (case-insensitive), in a fixed order, so
 * `instance: sqlpri01` or a config with the roles swapped after a failover names the same pair. */
export function pairName(config: MirrorbookConfig): string {
  return [config.pair.principal.instance, config.pair.mirror.instance]
    .map((i) => i.toUpperCase())
    .sort()
    .join('+');
}

/** `monitor:` in mirrorbook.yaml — how often and against what the Mirroring Monitor raises alarms. */
export interface MonitorThresholds {
  /** SSMS "unsent log" (alert 2), KB in the principal's send queue; 0 = off. */
  unsentLogKb: number;
  /** SSMS "unrestored log" (alert 3), KB in the mirror's redo queue; 0 = off. */
  unrestoredLogKb: number;
  /** SSMS "oldest unsent transaction" (alert 1), minutes of transactions in the send queue; 0 = off. */
  oldestUnsentMinutes: number;
  /** SSMS "mirror commit overhead" (alert 4), average delay per transaction in ms; 0 = off. */
  commitOverheadMs: number;
  /** Estimated time for the mirror to catch up (queues over the send/redo rates); 0 = off. */
  catchUpSeconds: number;
}

export interface WebhookConfig {
  url: Secret;
  /** Header values are secrets (an Authorization token). */
  headers: Record<string, Secret>;
  timeoutSeconds: number;
}

export interface MonitorConfig {
  intervalSeconds: number;
  connectTimeoutSeconds: number;
  thresholds: MonitorThresholds;
  /** A raised alarm clears only after this many polls in a row without its condition. */
  clearAfterPolls: number;
  /** A server answering slower than this is reported slow. */
  slowAnswerMs: number;
  retentionHours: number;
  certificateWarningDays: number;
  /** Certificates and logins change rarely: read every this many seconds, not every poll. */
  inventorySeconds: number;
  webhook?: WebhookConfig;
  exec?: string;
  /** Write raised/cleared alarms into the principal's error log (xp_logevent). */
  errorLog: boolean;
}
