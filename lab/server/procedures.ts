// EXEC of the system procedures a DBA or a procedure uses against a mirroring pair. Anything else
// is Msg 2812, as on a server that lacks the procedure.

import { SqlError } from '../errors.js';
import type { ExecStatement } from '../sql/ast.js';
import type { Typed } from '../sql/catalog.js';
import { parseBatchCached } from '../sql/parse-cache.js';
import { toText } from '../sql/convert.js';
import type { SqlValue } from '../tds/handler.js';
import { FileSystemError, makeDirectory } from '../storage/files.js';
import { addServerRoleMember, dropServerRoleMember, isRoleMember } from '../instance/server-roles.js';
import { hasDatabasePermission, isDatabaseRoleMember } from '../instance/effective-permissions.js';
import { findDatabase, sessionLogin } from '../instance/scope.js';
import { int, nvarchar, datetime, smallint } from '../catalog/columns.js';
import { sysDmExecSessions } from '../catalog/dmvs.js';
import type { BatchContext } from './batch.js';
import { BatchAborted, runStatements } from './batch.js';
import type { ExecEnv } from './env.js';
import { BatchVariables } from '../sql/variables.js';
import { writeErrorLog } from '../mirroring/errorlog.js';
import { isSysadmin, requireServerRoleMembership, requireSysadmin } from '../instance/authorization.js';
import { addMonitoring, changeMonitoring, dropMonitoring, resultRows, updatedWithin, updateStatus } from '../mirroring/monitor-status.js';
import { evaluateExpression } from '../sql/evaluate.js';
import { catalogContext, catalogFor } from './catalog-context.js';
import { parseMode, parseOwner, release, tryAcquire, type AppLockRequest } from './applocks.js';
import { datatypeInfo } from './datatype-info.js';
import { cycleErrorLogNow, enumErrorLogs, readErrorLog, spWho2 } from './session-procedures.js';
import { agentProcedure, type AgentCaller } from '../instance/agent-jobs.js';
import { xpDeleteFile, xpFileExist, xpFixedDrives } from './host-procedures.js';
import { spConfigure } from '../instance/configuration.js';

interface Arguments {
  positional: Typed[];
  named: Map<string, Typed>;
}

function evaluateArguments(ctx: BatchContext, stmt: ExecStatement): Arguments {
  const positional: Typed[] = [];
  const named = new Map<string, Typed>();
  const catalog = catalogFor(ctx);
  for (const arg of stmt.args) {
    const value: Typed = arg.value === null ? { value: null, type: { type: 'int' } } : evaluateExpression(arg.value, catalog);
    if (arg.name) named.set(arg.name.toLowerCase(), value);
    else positional.push(value);
  }
  return { positional, named };
}

function text(args: Arguments, index: number, name: string): string | null {
  const value = args.named.get(name.toLowerCase()) ?? args.positional[index];
  return value === undefined || value.value === null ? null : toText(value);
}

function procedureName(stmt: ExecStatement): string {
  return (stmt.procedure[stmt.procedure.length - 1] ?? '').toLowerCase();
}

export async function executeProcedure(ctx: BatchContext, stmt: ExecStatement, env: ExecEnv): Promise<void> {
  const name = procedureName(stmt);
  let status = 0;
  switch (name) {
    case 'sp_getapplock':
      status = await getAppLock(ctx, evaluateArguments(ctx, stmt));
      break;
    case 'sp_releaseapplock':
      status = releaseAppLock(ctx, evaluateArguments(ctx, stmt));
      break;
    case 'sp_executesql':
      return spExecuteSql(ctx, stmt);
    case 'sp_addsrvrolemember':
    case 'sp_dropsrvrolemember': {
      const args = evaluateArguments(ctx, stmt);
      const login = text(args, 0, '@loginame') ?? '';
      const role = text(args, 1, '@rolename') ?? '';
      requireServerRoleMembership(env, role);
      if (name === 'sp_addsrvrolemember') addServerRoleMember(env, role, login);
      else dropServerRoleMember(env, role, login);
      break;
    }
    case 'sp_configure': {
      const args = evaluateArguments(ctx, stmt);
      const value = text(args, 1, '@configvalue');
      spConfigure(env, text(args, 0, '@configname') ?? '', value === null ? null : Number(value));
      break;
    }
    case 'xp_create_subdir': {
      const args = evaluateArguments(ctx, stmt);
      const path = text(args, 0, '@path') ?? '';
      try {
        makeDirectory(env.lab, env.instance, path);
        env.changed();
      } catch (error) {
        if (!(error instanceof FileSystemError)) throw error;
        throw new SqlError(22048, `xp_create_subdir() returned error ${error.osError}, '${error.osMessage}'`);
      }
      break;
    }
    case 'xp_fileexist':
      xpFileExist(ctx, env, stmt, text(evaluateArguments(ctx, stmt), 0, '@filename') ?? '');
      break;
    case 'xp_fixeddrives':
      xpFixedDrives(ctx, env);
      break;
    case 'xp_delete_file': {
      const args = evaluateArguments(ctx, stmt);
      xpDeleteFile(env, Number(args.positional[0]?.value ?? 0), text(args, 1, '@path') ?? '');
      break;
    }
    case 'xp_logevent':
      logEvent(env, ctx, evaluateArguments(ctx, stmt));
      break;
    case 'sp_datatype_info':
    case 'sp_datatype_info_100': {
      const code = evaluateArguments(ctx, stmt).positional[0]?.value;
      ctx.emit({ kind: 'rows', ...datatypeInfo(typeof code === 'number' ? code : 0) });
      break;
    }
    case 'sp_who':
      spWho(ctx);
      break;
    case 'sp_who2':
      spWho2(ctx);
      break;
    case 'sp_readerrorlog':
    case 'xp_readerrorlog': {
      requireErrorLogReader(env, name);
      const args = evaluateArguments(ctx, stmt);
      const number = (index: number, name: string) => Number(text(args, index, name) ?? 0);
      const search = [text(args, 2, '@p3'), text(args, 3, '@p4')].filter((s): s is string => s !== null && s !== '');
      readErrorLog(ctx, { logNumber: number(0, '@p1'), logType: number(1, '@p2') || 1, search });
      break;
    }
    case 'sp_cycle_errorlog':
      requireSysadmin(env);
      cycleErrorLogNow(ctx);
      break;
    case 'xp_enumerrorlogs':
      requireSysadmin(env);
      enumErrorLogs(ctx);
      break;
    case 'sp_dbmmonitoraddmonitoring':
    case 'sp_dbmmonitorchangemonitoring':
    case 'sp_dbmmonitordropmonitoring':
      dbmMonitoring(env, ctx, name, evaluateArguments(ctx, stmt));
      break;
    case 'sp_add_job':
    case 'sp_add_jobstep':
    case 'sp_add_jobschedule':
    case 'sp_add_jobserver':
    case 'sp_update_job': {
      const caller = agentCaller(env, name);
      const args = evaluateArguments(ctx, stmt);
      agentProcedure(ctx.instance, name, (param) => text(args, -1, param), ctx.runtime.now(), caller, [...args.named.keys()]);
      env.changed();
      break;
    }
    case 'sp_dbmmonitorupdate':
      requireSysadmin(env);
      updateStatus(ctx.instance, text(evaluateArguments(ctx, stmt), 0, '@database_name'), ctx.runtime.now());
      env.changed();
      break;
    case 'sp_dbmmonitorresults':
      dbmMonitorResults(env, ctx, evaluateArguments(ctx, stmt));
      break;
    default:
      throw new SqlError(2812, `Could not find stored procedure '${stmt.procedure.join('.')}'.`, { state: 62 });
  }
  // EXEC @rc = proc: the procedure's return status.
  if (stmt.returnVariable) ctx.variables.assign(stmt.returnVariable, { value: status, type: { type: 'int' } });
  ctx.last.error = 0;
  ctx.emit({ kind: 'done', command: 'execute' });
}

/** The Agent procedures' Permissions sections: sysadmin, or one of msdb's SQL Server Agent fixed
 * database roles (which hold EXECUTE on them; a GRANT EXECUTE on the procedure counts too);
 * anyone else is refused as for any procedure in msdb the login may not execute (229). */
function agentCaller(env: ExecEnv, name: string): AgentCaller {
  const login = sessionLogin(env);
  const msdb = findDatabase(env.instance, 'msdb');
  const sysadmin = isSysadmin(env);
  if (!sysadmin && !(msdb && hasDatabasePermission(env.instance, login, msdb, 'EXECUTE', `dbo.${name}`)))
    throw new SqlError(229, `The EXECUTE permission was denied on the object '${name}', database 'msdb', schema 'dbo'.`, { class: 14 });
  return { login, sysadmin, operator: msdb !== undefined && isDatabaseRoleMember(env.instance, login, msdb, 'sqlagentoperatorrole') };
}

/** "sp_readerrorlog": securityadmin (15003 names the role); xp_readerrorlog is refused as any
 * extended procedure the login may not execute (229). */
function requireErrorLogReader(env: ExecEnv, name: string): void {
  if (isSysadmin(env) || isRoleMember(env.instance, env.session.login, 'securityadmin')) return;
  if (name === 'sp_readerrorlog') throw new SqlError(15003, 'Only members of the securityadmin role can execute this stored procedure.');
  throw executeDenied(name);
}

const executeDenied = (procedure: string): SqlError =>
  new SqlError(229, `The EXECUTE permission was denied on the object '${procedure}', database 'mssqlsystemresource', schema 'sys'.`, { class: 14 });

/** The lock's identity from the arguments, or undefined when they do not validate (-999). */
function appLockOf(ctx: BatchContext, args: Arguments, withMode: boolean): AppLockRequest | undefined {
  const resource = text(args, 0, '@Resource');
  const mode = withMode ? parseMode(text(args, 1, '@LockMode')) : 'Exclusive';
  const owner = parseOwner(text(args, withMode ? 2 : 1, '@LockOwner'));
  const principal = text(args, withMode ? 4 : 2, '@DbPrincipal') ?? 'public';
  if (resource === null || !mode || !owner) return undefined;
  if (owner === 'Transaction' && ctx.settings.transaction.trancount === 0) return undefined;
  return { instance: ctx.instance.name, spid: ctx.session.spid, database: ctx.session.database, principal, resource, mode, owner };
}

const APPLOCK_POLL_MS = 20;

async function getAppLock(ctx: BatchContext, args: Arguments): Promise<number> {
  const request = appLockOf(ctx, args, true);
  if (!request) return -999;
  const timeoutText = text(args, 3, '@LockTimeout');
  const timeoutMs = timeoutText === null ? -1 : Number(timeoutText);
  if (!Number.isInteger(timeoutMs)) return -999;
  if (tryAcquire(request)) return 0;
  const deadline = timeoutMs < 0 ? Infinity : Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ctx.signal.aborted) return -2;
    await new Promise((resolve) => setTimeout(resolve, Math.min(APPLOCK_POLL_MS, Math.max(0, deadline - Date.now()))));
    if (tryAcquire(request)) return 1;
  }
  return -1;
}

function releaseAppLock(ctx: BatchContext, args: Arguments): number {
  const request = appLockOf(ctx, args, false);
  if (!request) return -999;
  if (release(request)) return 0;
  ctx.emit({
    kind: 'message',
    message: {
      number: 1223,
      state: 1,
      class: 16,
      message: `Cannot release the application lock (Database Principal: '${request.principal}', Resource: '${request.resource}') because it is not currently held.`,
      line: 1,
    },
  });
  ctx.errors.push(1223);
  return -999;
}

/** sp_executesql @stmt, N'@a int, @b sysname', @a = 1, @b = N'x' — a nested batch with its own variables. */
async function spExecuteSql(ctx: BatchContext, stmt: ExecStatement): Promise<void> {
  const args = evaluateArguments(ctx, stmt);
  const sql = text(args, 0, '@stmt') ?? text(args, 0, '@statement');
  if (sql === null) throw new SqlError(214, "Procedure expects parameter '@statement' of type 'ntext/nchar/nvarchar'.");
  const declarations = text(args, 1, '@params');
  const inner = new BatchVariables();
  const outputs: Array<{ inner: string; outer: string }> = [];
  if (declarations) {
    // `@x int OUTPUT` declares @x; OUTPUT only says it may flow back to the caller.
    const [declare] = parseBatchCached(`DECLARE ${declarations.replace(/\b(?:OUTPUT|OUT)\b/gi, '')}`);
    if (declare?.kind !== 'declare') throw new SqlError(102, `Incorrect syntax near '${declarations}'.`, { class: 15 });
    inner.declare(declare, catalogFor(ctx));
    const positional = args.positional.slice(2);
    const positionalArgs = stmt.args.filter((arg) => !arg.name).slice(2);
    declare.variables.forEach((variable, index) => {
      const given = args.named.get(variable.name.toLowerCase()) ?? positional[index];
      if (given) inner.assign(variable.name, given);
      const arg = stmt.args.find((a) => a.name?.toLowerCase() === variable.name.toLowerCase()) ?? positionalArgs[index];
      if (arg?.output && arg.value?.kind === 'variable') outputs.push({ inner: variable.name, outer: arg.value.name });
    });
  }
  const statements = parseBatchCached(sql);
  try {
    await runStatements({ ...ctx, variables: inner, level: ctx.level + 1 }, statements);
  } catch (error) {
    // A scope-aborting error ends the dynamic SQL's scope, not the caller's batch.
    if (!(error instanceof BatchAborted) || ctx.signal.aborted) throw error;
  }
  // Parameters passed as `@p = @v OUTPUT` hand their final values back ("sp_executesql", OUTPUT).
  for (const { inner: name, outer } of outputs) {
    const value = inner.get(name);
    if (value) ctx.variables.assign(outer, value);
  }
}

function spWho(ctx: BatchContext): void {
  const sessions = sysDmExecSessions(catalogContext(ctx));
  const columns = [
    smallint('spid'),
    smallint('ecid'),
    nvarchar('status', 30, false),
    nvarchar('loginame', 128),
    nvarchar('hostname', 128),
    nvarchar('blk', 5),
    nvarchar('dbname', 128),
    nvarchar('cmd', 16, false),
    int('request_id'),
  ];
  const byId = new Map(Object.values(ctx.instance.databases).map((database) => [database.databaseId, database.name]));
  const rows: SqlValue[][] = sessions.rows.map((row) => [
    row[0] ?? null,
    0,
    row[8] ?? null,
    row[7] ?? null,
    row[2] ?? null,
    '  0',
    byId.get(row[19] as number) ?? null,
    row[8] === 'running' ? 'SELECT' : 'AWAITING COMMAND',
    0,
  ]);
  ctx.emit({ kind: 'rows', columns, rows });
}

/** xp_logevent error_number, 'message' [, 'severity']: a line in the error log (and, on Windows, the
 * application event log), nothing sent to the client. error_number above 50,000, message at most
 * 2,048 characters, severity INFORMATIONAL (default), WARNING or ERROR; sysadmin or db_owner in master.
 * https://learn.microsoft.com/sql/relational-databases/system-stored-procedures/xp-logevent-transact-sql */
function logEvent(env: ExecEnv, ctx: BatchContext, args: Arguments): void {
  const master = findDatabase(env.instance, 'master');
  if (!isSysadmin(env) && !(master && isDatabaseRoleMember(env.instance, sessionLogin(env), master, 'db_owner'))) throw executeDenied('xp_logevent');
  const number = Number(text(args, 0, '@error_number') ?? NaN);
  const message = text(args, 1, '@message') ?? '';
  const severity = (text(args, 2, '@severity') ?? 'INFORMATIONAL').toUpperCase();
  if (
    !Number.isInteger(number) ||
    number <= 50_000 ||
    number > 2_147_483_647 ||
    message.length > 2048 ||
    !['INFORMATIONAL', 'WARNING', 'ERROR'].includes(severity)
  ) {
    // The documented outcome of bad arguments is the return code 1 (failure); nothing is logged.
    return;
  }
  writeErrorLog(ctx.instance, ctx.runtime.now(), message, number);
  env.changed();
}

/** sp_dbmmonitoraddmonitoring [update_period] | sp_dbmmonitorchangemonitoring 1, update_period |
 * sp_dbmmonitordropmonitoring: the monitor's SQL Server Agent job (lab/mirroring/monitor-status). */
function dbmMonitoring(env: ExecEnv, ctx: BatchContext, name: string, args: Arguments): void {
  requireSysadmin(env);
  if (ctx.instance.edition === 'Express') throw new SqlError(14258, 'Cannot perform this operation while SQLServerAgent is starting. Try again later.');
  if (name === 'sp_dbmmonitordropmonitoring') dropMonitoring(ctx.instance);
  else if (name === 'sp_dbmmonitoraddmonitoring') addMonitoring(ctx.instance, Number(text(args, 0, '@update_period') ?? 1), ctx.runtime.now());
  else if (Number(text(args, 0, '@parameter')) === 1) changeMonitoring(ctx.instance, Number(text(args, 1, '@value')));
  env.changed();
}

/** sp_dbmmonitorresults database_name [, rows_to_return [, update_status]]: the status table's rows
 * (msdb's own procedure names its parameters @mode and @update_table; both spellings are read). */
function dbmMonitorResults(env: ExecEnv, ctx: BatchContext, args: Arguments): void {
  // "sp_dbmmonitorresults" (Permissions): sysadmin, or dbm_monitor in msdb to read the table.
  const msdb = findDatabase(env.instance, 'msdb');
  if (!isSysadmin(env) && !(msdb && isDatabaseRoleMember(env.instance, sessionLogin(env), msdb, 'dbm_monitor'))) {
    throw new SqlError(229, "The EXECUTE permission was denied on the object 'sp_dbmmonitorresults', database 'msdb', schema 'dbo'.", { class: 14 });
  }
  const columns = [
    nvarchar('database_name', 128),
    int('role'),
    int('mirroring_state'),
    int('witness_status'),
    int('log_generation_rate', true),
    int('unsent_log', true),
    int('send_rate', true),
    int('unrestored_log', true),
    int('recovery_rate', true),
    int('transaction_delay', true),
    int('transactions_per_sec', true),
    int('average_delay', true),
    datetime('time_recorded'),
    datetime('time_behind', true),
    datetime('local_time'),
  ];
  const databaseName = text(args, 0, '@database_name');
  const database = Object.values(ctx.instance.databases).find((candidate) => candidate.name.toLowerCase() === databaseName?.toLowerCase());
  if (!database?.mirroring) throw new SqlError(32039, `The database '${databaseName ?? ''}' is not configured for database mirroring.`);
  const rowsToReturn = Number(text(args, 1, '@rows_to_return') ?? text(args, 1, '@mode') ?? 0);
  const update = Number(text(args, 2, '@update_status') ?? text(args, 2, '@update_table') ?? 0) === 1;
  const now = ctx.runtime.now();
  if (update && isSysadmin(env) && !updatedWithin(ctx.instance, database.name, now)) {
    updateStatus(ctx.instance, database.name, now);
    env.changed();
  }
  const when = (iso: string | null) => (iso === null ? null : new Date(iso));
  ctx.emit({
    kind: 'rows',
    columns,
    rows: resultRows(ctx.instance, database.name, rowsToReturn, now).map((r): SqlValue[] => [
      r.database,
      r.role,
      r.mirroringState,
      r.witnessStatus,
      r.logGenerationRate,
      r.unsentLog,
      r.sendRate,
      r.unrestoredLog,
      r.recoveryRate,
      r.transactionDelay,
      r.transactionsPerSec,
      r.averageDelay,
      when(r.timeRecorded),
      when(r.timeBehind),
      when(r.localTime),
    ]),
  });
}
