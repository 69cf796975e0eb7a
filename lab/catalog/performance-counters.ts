// sys.dm_os_performance_counters: the Database Mirroring object (per mirrored database and _Total)
// that monitoring tools and the runbooks read for the send and redo queues, plus user connections.
// Names are nchar(128), padded as SQL Server pads them.

import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { instanceId } from '../instance/database.js';
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
  const totals = { send: 0, redo: 0 };
  const counters = (instance: string, send: number, redo: number, tps: number): void => {
    for (const [counter, value, type] of [
      ['Log Send Queue KB', send, RAW],
      ['Redo Queue KB', redo, RAW],
      ['Log Bytes Sent/sec', tps * 2048, RATE],
      ['Transaction Delay', 0, RATE],
      ['Log Send Flow Control Time (ms)', 0, RATE],
    ] as const) rows.push([mirroringObject, pad(counter), pad(instance), value, type]);
  };
  for (const database of Object.values(ctx.instance.databases)) {
    const m = database.mirroring;
    if (!m) continue;
    const send = Math.round(m.sendQueueKB);
    const redo = Math.round(m.redoQueueKB);
    totals.send += send;
    totals.redo += redo;
    counters(database.name, send, redo, m.role === 'PRINCIPAL' ? database.workloadTps : 0);
  }
  counters('_Total', totals.send, totals.redo, 0);
  const users = ctx.sessions().length + ctx.instance.programs.length;
  rows.push([pad(`${prefix}:General Statistics`), pad('User Connections'), pad(''), users, RAW]);
  return { columns: [nchar('object_name'), nchar('counter_name'), nchar('instance_name'), bigint('cntr_value'), int('cntr_type')], rows };
}
