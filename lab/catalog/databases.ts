// sys.databases, sys.master_files, sys.database_mirroring, sys.tables.

import type { DatabaseEncryptionKey, DatabaseState, InstanceState } from '../model.js';
import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { atLeast, versionFacts } from '../instance/version.js';
import { bit, date, datetime, int, lsn, nvarchar, real, sysname, tinyint, uniqueidentifier, varbinary, bigint } from './columns.js';
import type { CatalogContext } from './context.js';
import { findDatabase } from '../instance/scope.js';

export const DATABASE_STATES: Record<DatabaseState['state'], number> = {
  ONLINE: 0,
  RESTORING: 1,
  RECOVERING: 2,
  RECOVERY_PENDING: 3,
  SUSPECT: 4,
  EMERGENCY: 5,
  OFFLINE: 6,
};

export const RECOVERY_MODELS: Record<DatabaseState['recoveryModel'], number> = { FULL: 1, BULK_LOGGED: 2, SIMPLE: 3 };

export const COLLATION = 'SQL_Latin1_General_CP1_CI_AS';

export function compatibilityLevel(instance: InstanceState): number {
  const facts = versionFacts(instance.version);
  return facts.major * 10;
}

export function byId(instance: InstanceState): DatabaseState[] {
  return Object.values(instance.databases).sort((a, b) => a.databaseId - b.databaseId);
}

function logReuseWait(database: DatabaseState): [number, string] {
  if (database.state !== 'ONLINE') return [0, 'NOTHING'];
  if (database.mirroring && database.mirroring.sendQueueKB > 0) return [6, 'DATABASE_MIRRORING'];
  if (database.recoveryModel !== 'SIMPLE' && database.log.logChainStarted) return [2, 'LOG_BACKUP'];
  return [0, 'NOTHING'];
}

export function sysDatabases(ctx: CatalogContext): Relation {
  const columns = [
    sysname('name'),
    int('database_id'),
    int('source_database_id', true),
    varbinary('owner_sid', 85),
    datetime('create_date'),
    tinyint('compatibility_level'),
    sysname('collation_name', true),
    tinyint('user_access', true),
    nvarchar('user_access_desc', 60),
    bit('is_read_only', true),
    bit('is_auto_close_on'),
    bit('is_auto_shrink_on', true),
    tinyint('state', true),
    nvarchar('state_desc', 60),
    bit('is_in_standby', true),
    bit('is_cleanly_shutdown', true),
    tinyint('recovery_model', true),
    nvarchar('recovery_model_desc', 60),
    bit('is_master_key_encrypted_by_server', true),
    bit('is_trustworthy_on', true),
    bit('is_broker_enabled', true),
    tinyint('log_reuse_wait', true),
    nvarchar('log_reuse_wait_desc', 60),
    uniqueidentifier('service_broker_guid', true),
    bit('is_encrypted', true),
    // Set for a database in an availability group (2012+): those the lab was told of (control op 'availability-group').
    ...(atLeast(ctx.instance.version, '2012') ? [uniqueidentifier('group_database_id', true)] : []),
  ];
  const rows = byId(ctx.instance).map((database): SqlValue[] => {
    const [wait, waitDesc] = logReuseWait(database);
    const restoring = database.state === 'RESTORING';
    const source = database.snapshotOf === undefined ? undefined : findDatabase(ctx.instance, database.snapshotOf);
    const access = database.userAccess ?? 'MULTI_USER';
    return [
      database.name,
      database.databaseId,
      source?.databaseId ?? null,
      Buffer.from([1]),
      date(database.createDate),
      compatibilityLevel(ctx.instance),
      restoring ? null : COLLATION,
      USER_ACCESS[access],
      access,
      database.snapshotOf !== undefined,
      false,
      false,
      DATABASE_STATES[database.state],
      database.state,
      false,
      false,
      RECOVERY_MODELS[database.recoveryModel],
      database.recoveryModel,
      database.masterKey !== null,
      database.name === 'msdb',
      database.name === 'msdb',
      wait,
      waitDesc,
      database.familyGuid,
      database.encryptionKey?.encrypted === true,
      ...(atLeast(ctx.instance.version, '2012') ? [groupDatabaseId(ctx, database.name)] : []),
    ];
  });
  return { columns, rows };
}

const groupDatabaseId = (ctx: CatalogContext, name: string): string | null =>
  (ctx.instance.availabilityGroups ?? []).flatMap((g) => g.databases ?? []).find((d) => d.name.toLowerCase() === name.toLowerCase())?.groupDatabaseId ?? null;

/** sys.master_files type, type_desc and data_space_id (0 for the log; a FILESTREAM filegroup is the lab's second). */
const FILE_TYPES = { D: [0, 'ROWS', 1], L: [1, 'LOG', 0], S: [2, 'FILESTREAM', 2] } as const;

export function sysMasterFiles(ctx: CatalogContext): Relation {
  const columns = [
    int('database_id'),
    int('file_id'),
    uniqueidentifier('file_guid', true),
    tinyint('type'),
    nvarchar('type_desc', 60),
    int('data_space_id'),
    sysname('name'),
    nvarchar('physical_name', 260, false),
    tinyint('state', true),
    nvarchar('state_desc', 60),
    int('size'),
    int('max_size'),
    int('growth'),
    bit('is_percent_growth'),
  ];
  const rows: SqlValue[][] = [];
  for (const database of byId(ctx.instance)) {
    database.files.forEach((file, index) => {
      const state = DATABASE_STATES[database.state];
      const [type, typeDesc, dataSpace] = FILE_TYPES[file.type];
      rows.push([
        database.databaseId,
        index + 1,
        null,
        type,
        typeDesc,
        dataSpace,
        file.logicalName,
        file.physicalName,
        state,
        database.state,
        Math.round(file.sizeMB * 128),
        -1,
        file.type === 'D' ? 8192 : file.type === 'S' ? 0 : 10,
        file.type === 'L' && database.isSystem,
      ]);
    });
  }
  return { columns, rows };
}

const USER_ACCESS = { MULTI_USER: 0, SINGLE_USER: 1, RESTRICTED_USER: 2 } as const;
const MIRRORING_STATES = { SUSPENDED: 0, DISCONNECTED: 1, SYNCHRONIZING: 2, PENDING_FAILOVER: 3, SYNCHRONIZED: 4 } as const;
const WITNESS_STATES = { UNKNOWN: 0, CONNECTED: 1, DISCONNECTED: 2 } as const;

export function sysDatabaseMirroring(ctx: CatalogContext): Relation {
  const columns = [
    int('database_id'),
    uniqueidentifier('mirroring_guid', true),
    tinyint('mirroring_state', true),
    nvarchar('mirroring_state_desc', 60),
    tinyint('mirroring_role', true),
    nvarchar('mirroring_role_desc', 60),
    int('mirroring_role_sequence', true),
    tinyint('mirroring_safety_level', true),
    nvarchar('mirroring_safety_level_desc', 60),
    int('mirroring_safety_sequence', true),
    nvarchar('mirroring_partner_name', 128),
    nvarchar('mirroring_partner_instance', 128),
    nvarchar('mirroring_witness_name', 128),
    tinyint('mirroring_witness_state', true),
    nvarchar('mirroring_witness_state_desc', 60),
    { ...lsn('mirroring_failover_lsn'), nullable: true },
    int('mirroring_connection_timeout', true),
    int('mirroring_redo_queue', true),
    nvarchar('mirroring_redo_queue_type', 60),
    { ...lsn('mirroring_end_of_log_lsn'), nullable: true },
    { ...lsn('mirroring_replication_lsn'), nullable: true },
  ];
  const rows = byId(ctx.instance).map((database): SqlValue[] => {
    const m = database.mirroring;
    if (!m) return [database.databaseId, ...new Array<SqlValue>(columns.length - 1).fill(null)];
    const witnessState = m.witnessName ? (m.witnessState ?? 'UNKNOWN') : null;
    return [
      database.databaseId,
      m.guid,
      MIRRORING_STATES[m.state],
      m.state,
      m.role === 'PRINCIPAL' ? 1 : 2,
      m.role,
      m.roleSequence,
      m.safety === 'OFF' ? 1 : 2,
      m.safety,
      m.safetySequence,
      m.partnerName,
      m.partnerInstance,
      m.witnessName,
      witnessState === null ? null : WITNESS_STATES[witnessState],
      witnessState,
      m.failoverLsn,
      m.timeoutSeconds,
      null,
      'UNLIMITED',
      database.log.endLsn,
      database.log.endLsn,
    ];
  });
  return { columns, rows };
}

/** sys.tables of one database: its user tables (the seed's row counts live in sys.partitions). */
export function sysTables(database: DatabaseState): Relation {
  const columns = [sysname('name'), int('object_id'), int('schema_id'), datetime('create_date'), datetime('modify_date'), bigint('row_count')];
  const rows = Object.entries(database.tables).map(([name, count], index): SqlValue[] => [
    name,
    1_000_000 + database.databaseId * 1000 + index,
    1,
    date(database.createDate),
    date(database.createDate),
    count,
  ]);
  return { columns, rows };
}

/** sys.database_recovery_status (learn.microsoft.com sys-database-recovery-status-transact-sql):
 * last_log_backup_lsn is NULL while the log is not being backed up — SIMPLE recovery, or no
 * current database backup since FULL was set (the log chain has not started). */
export function sysDatabaseRecoveryStatus(ctx: CatalogContext): Relation {
  const columns = [
    int('database_id'),
    uniqueidentifier('database_guid', true),
    uniqueidentifier('family_guid', true),
    lsn('last_log_backup_lsn', true),
    uniqueidentifier('recovery_fork_guid', true),
    uniqueidentifier('first_recovery_fork_guid', true),
    lsn('fork_point_lsn', true),
  ];
  const rows: SqlValue[][] = byId(ctx.instance)
    .filter((d) => d.state === 'ONLINE')
    .map((d) => [
      d.databaseId,
      d.databaseGuid,
      d.familyGuid,
      d.log.logChainStarted ? (d.log.lastLogBackupLsn ?? d.log.logChainStartLsn ?? d.log.lastFullBackupLsn) : null,
      d.recoveryForkGuid,
      d.recoveryForkGuid,
      null,
    ]);
  return { columns, rows };
}

/** sys.dm_database_encryption_keys: one row per database with an encryption key (TDE). The lab's
 * scan is instant: encryption_state 1 (key, not encrypted) or 3 (encrypted), percent_complete 0. */
export function sysDmDatabaseEncryptionKeys(ctx: CatalogContext): Relation {
  const columns = [
    int('database_id'),
    int('encryption_state'),
    datetime('create_date'),
    datetime('regenerate_date'),
    datetime('modify_date'),
    datetime('set_date', true),
    datetime('opened_date'),
    nvarchar('key_algorithm', 32),
    int('key_length'),
    varbinary('encryptor_thumbprint', 20),
    nvarchar('encryptor_type', 32),
    real('percent_complete'),
  ];
  const rows = byId(ctx.instance).flatMap((database): SqlValue[][] => {
    const key = database.encryptionKey;
    if (!key) return [];
    const [algorithm, length] = KEY_ALGORITHMS[key.algorithm];
    const created = date(key.createDate);
    return [
      [
        database.databaseId,
        key.encrypted ? 3 : 1,
        created,
        created,
        created,
        key.setDate ? date(key.setDate) : null,
        created,
        algorithm,
        length,
        Buffer.from(key.encryptorThumbprintHex, 'hex'),
        'CERTIFICATE',
        0,
      ],
    ];
  });
  return { columns, rows };
}

const KEY_ALGORITHMS: Record<DatabaseEncryptionKey['algorithm'], [string, number]> = {
  AES_128: ['AES', 128],
  AES_192: ['AES', 192],
  AES_256: ['AES', 256],
  TRIPLE_DES_3KEY: ['TRIPLE_DES_3KEY', 192],
};
