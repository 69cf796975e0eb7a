// sys.dm_os_performance_counters: the Database Mirroring object (per mirrored database and _Total)
// that monitoring tools and the runbooks read for the send and redo queues, plus user connections.
// Names are nchar(128), padded as SQL Server pads them. The "/sec" counters and Transaction Delay
// are cumulative in this DMV (PERF_COUNTER_BULK_COUNT): a rate is the difference of two reads over
// the time between them (learn.microsoft.com, "SQL Server, Database Mirroring object" and
// sys.dm_os_performance_counters).

import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { instanceId } from '../instance/database.js';
import { countersOf } from '../mirroring/advance.js';
import type { MirroringCounters } from '../model.js';
import { bigint, int } from './columns.js';
import type { CatalogContext } from './context.js';

const nchar = (name: string) => ({ name, sqlType: { type: 'nchar' as const, length: 128 }, nullable: false });
const pad = (text: string): string => text.padEnd(128);

/** cntr_type 65792 = PERF_COUNTER_LARGE_RAWCOUNT (a value), 272696576 = PERF_COUNTER_BULK_COUNT (a rate). */
const RAW = 65792;
const RATE = 272696576;

export function sysDmOsPerformanceCounters(ctx: CatalogContext): Relation {
  const id = instanceId(ctx.instance);
  const prefix = id === 'MSSQLSERVER' ? 'SQLServer' : `MSSQL$${id}`;
  const mirroringObject = pad(`${prefix}:Database Mirroring`);
  const rows: SqlValue[][] = [];
  const totals = { send: 0, redo: 0, bytesSent: 0, bytesRedone: 0, transactionDelayMs: 0, mirroredTransactions: 0 };
  const counters = (instance: string, send: number, redo: number, c: MirroringCounters): void => {
    for (const [counter, value, type] of [
      ['Log Send Queue KB', send, RAW],
      ['Redo Queue KB', redo, RAW],
      ['Log Bytes Sent/sec', c.bytesSent, RATE],
      ['Redo Bytes/sec', c.bytesRedone, RATE],
      ['Transaction Delay', c.transactionDelayMs, RATE],
      ['Mirrored Write Transactions/sec', c.mirroredTransactions, RATE],
      ['Log Send Flow Control Time (ms)', 0, RATE],
    ] as const)
      rows.push([mirroringObject, pad(counter), pad(instance), value, type]);
  };
  for (const database of Object.values(ctx.instance.databases)) {
    const m = database.mirroring;
    if (!m) continue;
    const send = Math.round(m.sendQueueKB);
    const redo = Math.round(m.redoQueueKB);
    const c = countersOf(m);
    totals.send += send;
    totals.redo += redo;
    totals.bytesSent += c.bytesSent;
    totals.bytesRedone += c.bytesRedone;
    totals.transactionDelayMs += c.transactionDelayMs;
    totals.mirroredTransactions += c.mirroredTransactions;
    counters(database.name, send, redo, c);
  }
  counters('_Total', totals.send, totals.redo, totals);
  const users = ctx.sessions().length + ctx.instance.programs.length;
  rows.push([pad(`${prefix}:General Statistics`), pad('User Connections'), pad(''), users, RAW]);
  return { columns: [nchar('object_name'), nchar('counter_name'), nchar('instance_name'), bigint('cntr_value'), int('cntr_type')], rows };
}
