// sp_who2 and sp_readerrorlog / xp_readerrorlog as DBAs call them.
// sp_who2 is undocumented; its columns are the ones every SQL Server since 2005 returns: SPID,
// Status, Login, HostName, BlkBy, DBName, Command, CPUTime, DiskIO, LastBatch, ProgramName, SPID,
// REQUESTID. sp_readerrorlog @p1 log number (0 current), @p2 log type (1 or NULL the SQL Server
// log), @p3 and @p4 search strings that a line must both contain (case-insensitively); a log
// number the instance has not kept (the current log and six archives, lab/instance/service.ts) is
// xp_readerrorlog's error 2 (file not found).

import { SqlError } from '../errors.js';
import type { SqlValue } from '../tds/handler.js';
import type { ErrorLogLine } from '../model.js';
import { cycleErrorLog } from '../instance/service.js';
import { char, datetime, int, nvarchar } from '../catalog/columns.js';
import { sysDmExecSessions } from '../catalog/dmvs.js';
import type { BatchContext } from './batch.js';
import { catalogContext } from './catalog-context.js';

function lastBatch(value: SqlValue): string | null {
  if (!(value instanceof Date)) return null;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(value.getUTCMonth() + 1)}/${two(value.getUTCDate())} ${two(value.getUTCHours())}:${two(value.getUTCMinutes())}:${two(value.getUTCSeconds())}`;
}

export function spWho2(ctx: BatchContext): void {
  const sessions = sysDmExecSessions(catalogContext(ctx));
  const columns = [
    char('SPID', 5),
    nvarchar('Status', 30, false),
    nvarchar('Login', 128),
    nvarchar('HostName', 128),
    char('BlkBy', 5),
    nvarchar('DBName', 128),
    nvarchar('Command', 16, false),
    int('CPUTime'),
    int('DiskIO'),
    nvarchar('LastBatch', 14),
    nvarchar('ProgramName', 128),
    char('SPID', 5),
    int('REQUESTID'),
  ];
  const byId = new Map(Object.values(ctx.instance.databases).map((database) => [database.databaseId, database.name]));
  const rows: SqlValue[][] = sessions.rows.map((row) => {
    const spid = String(row[0]).padEnd(5);
    const status = String(row[8] ?? 'sleeping').toUpperCase();
    const io = Number(row[13] ?? 0) + Number(row[14] ?? 0);
    return [
      spid,
      status,
      row[7] ?? null,
      row[2] ?? null,
      '  .  ',
      byId.get(row[19] as number) ?? null,
      status === 'RUNNING' ? 'SELECT' : 'AWAITING COMMAND',
      row[9] ?? 0,
      io,
      lastBatch(row[11] ?? null),
      row[3] ?? null,
      spid,
      0,
    ];
  });
  ctx.emit({ kind: 'rows', columns, rows });
}

export interface ErrorLogFilter {
  logNumber: number;
  logType: number;
  search: string[];
}

/** The lines of error log `n` (0 current, 1 ERRORLOG.1 …), or undefined when it is not kept. */
function errorLogLines(ctx: BatchContext, n: number): ErrorLogLine[] | undefined {
  return n === 0 ? ctx.instance.errorLog : ctx.instance.errorLogArchives?.[n - 1]?.lines;
}

export function readErrorLog(ctx: BatchContext, filter: ErrorLogFilter): void {
  const lines = filter.logType === 1 ? errorLogLines(ctx, filter.logNumber) : undefined;
  if (!lines) {
    throw new SqlError(22004, "xp_readerrorlog() returned error 2, 'The system cannot find the file specified.'", { class: 16 });
  }
  const columns = [datetime('LogDate'), nvarchar('ProcessInfo', 12), nvarchar('Text', 4000)];
  const wanted = filter.search.map((s) => s.toLowerCase());
  const rows: SqlValue[][] = lines
    .map(
      (line) =>
        (line.processInfo !== undefined
          ? [new Date(line.ts), line.processInfo, line.text]
          : [
              new Date(line.ts),
              line.number !== undefined ? 'spid' : 'Server',
              line.number !== undefined ? `Error: ${line.number}. ${line.text}` : line.text,
            ]) as SqlValue[],
    )
    .filter((row) => wanted.every((s) => String(row[2]).toLowerCase().includes(s)));
  ctx.emit({ kind: 'rows', columns, rows });
}

/** sp_cycle_errorlog (sysadmin): a new current log "just like a server restart"; the closing log
 * says it is being cycled, the new one that it was reinitialized. */
export function cycleErrorLogNow(ctx: BatchContext): void {
  const now = ctx.runtime.now();
  ctx.instance.errorLog.push({
    ts: now.toISOString(),
    text: 'Attempting to cycle error log. This is an informational message only; no user action is required.',
  });
  cycleErrorLog(ctx.instance, now, 'The error log has been reinitialized. See the previous log for older entries.');
  ctx.runtime.changed();
}

/** xp_enumerrorlogs: Archive # (0 the current log), the date of its last entry, its size (the
 * lab counts the text as UTF-16, as the ERRORLOG file is written). */
export function enumErrorLogs(ctx: BatchContext): void {
  const columns = [int('Archive #'), datetime('Date'), int('Log File Size (Byte)')];
  const size = (lines: ErrorLogLine[]) => lines.reduce((sum, line) => sum + (line.text.length + 26) * 2, 0);
  const current = ctx.instance.errorLog;
  const rows: SqlValue[][] = [
    [0, new Date(current.at(-1)?.ts ?? ctx.instance.service.lastStartupTime), size(current)],
    ...(ctx.instance.errorLogArchives ?? []).map((archive, i): SqlValue[] => [i + 1, new Date(archive.closedAt), size(archive.lines)]),
  ];
  ctx.emit({ kind: 'rows', columns, rows });
}
