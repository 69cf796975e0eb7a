// The SqlCatalog of one statement: catalog views, DMVs, msdb history, scalar functions and
// variables of the instance the session is connected to.

import { sysAvailabilityGroups, sysAvailabilityReplicas } from './availability-groups.js';
import { sysDmExecConnections } from './connections.js';
import type { Relation, SqlCatalog, Typed } from '../sql/catalog.js';
import type { DatabaseState } from '../model.js';
import { findDatabase } from '../instance/scope.js';
import { serverClock } from '../instance/clock.js';
import { stateError } from '../instance/use-database.js';
import type { CatalogContext } from './context.js';
import { sysDatabaseMirroring, sysDatabaseRecoveryStatus, sysDatabases, sysDmDatabaseEncryptionKeys, sysMasterFiles, sysTables } from './databases.js';
import { sysDatabaseMirroringWitnesses, sysDmDbMirroringConnections, sysDmExecRequests, sysDmExecSessions, sysDmServerServices } from './dmvs.js';
import { sysDatabaseMirroringEndpoints, sysEndpoints, sysTcpEndpoints } from './endpoints.js';
import { scalarFunction, variable } from './functions.js';
import { msdbBackupmediafamily, msdbBackupset, msdbRestorehistory, msdbSysjobs, msdbSysjobschedules, msdbSysjobsteps, msdbSysschedules } from './msdb.js';
import { userTableRelation } from '../storage/user-tables.js';
import { sysDmOsPerformanceCounters } from './performance-counters.js';
import { sysDmOsVolumeStats } from './volumes.js';
import { readTable, serverView } from './view-permissions.js';
import { fnMyPermissions } from './permission-functions.js';
import { sysCertificates, sysDatabasePrincipals, sysServerPermissions, sysServerPrincipals, sysServerRoleMembers, sysSymmetricKeys } from './security.js';

type ServerView = (ctx: CatalogContext) => Relation;
/** A view some versions do not have: undefined there (Msg 208). */
type VersionedView = (ctx: CatalogContext) => Relation | undefined;
type DatabaseView = (ctx: CatalogContext, database: DatabaseState) => Relation;

const SERVER_VIEWS: Record<string, ServerView> = {
  databases: sysDatabases,
  master_files: sysMasterFiles,
  database_recovery_status: sysDatabaseRecoveryStatus,
  database_mirroring: sysDatabaseMirroring,
  database_mirroring_endpoints: sysDatabaseMirroringEndpoints,
  endpoints: sysEndpoints,
  tcp_endpoints: sysTcpEndpoints,
  server_principals: sysServerPrincipals,
  sql_logins: (ctx) => {
    const all = sysServerPrincipals(ctx);
    return { columns: all.columns, rows: all.rows.filter((row) => row[3] === 'S') };
  },
  server_permissions: sysServerPermissions,
  server_role_members: sysServerRoleMembers,
  dm_server_services: sysDmServerServices,
  dm_exec_sessions: sysDmExecSessions,
  dm_exec_requests: sysDmExecRequests,
  dm_exec_connections: sysDmExecConnections,
  dm_db_mirroring_connections: sysDmDbMirroringConnections,
  database_mirroring_witnesses: sysDatabaseMirroringWitnesses,
  dm_os_performance_counters: sysDmOsPerformanceCounters,
  dm_os_volume_stats: sysDmOsVolumeStats,
  dm_database_encryption_keys: sysDmDatabaseEncryptionKeys,
};

const VERSIONED_VIEWS: Record<string, VersionedView> = {
  availability_groups: sysAvailabilityGroups,
  availability_replicas: sysAvailabilityReplicas,
};

const DATABASE_VIEWS: Record<string, DatabaseView> = {
  certificates: sysCertificates,
  symmetric_keys: sysSymmetricKeys,
  database_principals: sysDatabasePrincipals,
  tables: (_ctx, database) => sysTables(database),
};

const MSDB_TABLES: Record<string, ServerView> = {
  backupset: msdbBackupset,
  backupmediafamily: msdbBackupmediafamily,
  restorehistory: msdbRestorehistory,
  sysjobs: msdbSysjobs,
  sysjobsteps: msdbSysjobsteps,
  sysschedules: msdbSysschedules,
  sysjobschedules: msdbSysjobschedules,
};

/** Resolves ['db', 'schema', 'name'] (db and schema optional) to a view; undefined → Msg 208. */
export function resolveTable(ctx: CatalogContext, parts: string[]): Relation | undefined {
  const names = parts.map((part) => part.toLowerCase());
  const name = names[names.length - 1] ?? '';
  const schema = names.length >= 2 ? names[names.length - 2] || 'dbo' : 'dbo';
  const databaseName = names.length >= 3 ? parts[parts.length - 3] : ctx.session.database;
  if (databaseName === undefined) return undefined;
  const database = findDatabase(ctx.instance, databaseName);
  if (!database) return undefined;
  if (names.length >= 3 && database.name.toLowerCase() !== ctx.session.database.toLowerCase()) {
    const blocked = stateError(database);
    if (blocked) throw blocked;
  }
  if (schema === 'sys') {
    const server = SERVER_VIEWS[name];
    if (server) return serverView(ctx, name, server);
    const versioned = VERSIONED_VIEWS[name];
    if (versioned) return versioned(ctx);
    const perDatabase = DATABASE_VIEWS[name];
    if (perDatabase) return perDatabase(ctx, database);
    return undefined;
  }
  if (schema !== 'dbo') return undefined;
  const created = userTableRelation(database, name);
  if (created) return readTable(ctx, database, name, created);
  if (database.name.toLowerCase() === 'msdb') return readTable(ctx, database, name, MSDB_TABLES[name]?.(ctx));
  return undefined;
}

export interface CatalogExtras {
  /** Session state the server keeps: declared @variables, sp_executesql parameters, @@TRANCOUNT … */
  variable(name: string): Typed | undefined;
  /** Functions of the session (ERROR_NUMBER, XACT_STATE …), tried before the instance's; name upper-cased. */
  scalarFunction?(name: string, args: Typed[]): Typed | undefined;
}

export function createCatalog(ctx: CatalogContext, extras: CatalogExtras): SqlCatalog {
  return {
    table: (parts) => resolveTable(ctx, parts),
    scalarFunction: (name, args) => extras.scalarFunction?.(name, args) ?? scalarFunction(ctx, name, args),
    variable: (name) => extras.variable(name) ?? variable(ctx, name),
    tableFunction: (parts) =>
      (parts.length === 1 || parts.at(-2)?.toLowerCase() === 'sys') && parts.at(-1)?.toLowerCase() === 'fn_my_permissions'
        ? (args) => fnMyPermissions(ctx, args)
        : undefined,
    now: () => serverClock(ctx.lab, ctx.instance.name, ctx.now()),
  };
}
