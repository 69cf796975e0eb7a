// The lab's TDS listener under the real mssql driver: round trip of a catalog query and new
// connections per second, in clear text, TLS inside PRELOGIN, and TDS 8.0 strict. The listener
// runs the real lab SqlHandler (lab/server) for the principal of a fresh site, in this process.

import sql from 'mssql';
import { loadavg } from 'node:os';
import { createSite } from '../lab/site.js';
import { inProcessInstance } from '../lab/server/in-process.js';
import { startTdsListener } from '../lab/tds/listener.js';
import { loadLabTlsCredentials } from '../lab/tls/index.js';
import { FakeHandler, LOGIN } from '../test/fixtures/tds/fake-handler.js';
import { fmt, percentile, spread, type Spread } from './support/stats.js';
import { report } from './support/summary.js';

const PASSWORD = 'Bench-Passw0rd!2024';
const QUERY = 'SELECT name, database_id, state_desc, recovery_model_desc FROM sys.databases ORDER BY name';
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const CONNECTION_BATCHES = 5;

const lab = createSite({ adminPassword: PASSWORD });
const instance = inProcessInstance(lab, 'SQLPRI01');
const tls = loadLabTlsCredentials();
const listener = await startTdsListener({ port: 0, serverName: 'SQLPRI01', handler: instance.handler, tls });
// The same wire with a trivial handler separates the TDS/TLS cost from the lab's login work.
const wireOnly = await startTdsListener({ port: 0, serverName: 'FAKESQL', handler: new FakeHandler(), tls });

const modes: Array<[string, sql.config['options']]> = [
  ['plain', { encrypt: false }],
  ['tls (PRELOGIN, 1.2)', { encrypt: true, trustServerCertificate: true }],
  ['strict (TDS 8.0)', { encrypt: 'strict' as unknown as boolean, cryptoCredentialsDetails: { ca: tls.cert } }],
];

function config(options: sql.config['options'], target = { port: listener.port, user: 'mirrorbook', password: PASSWORD }): sql.config {
  return {
    server: 'localhost',
    ...target,
    database: 'master',
    // One request per round trip: mssql's default validateConnection would add a SELECT 1 to each.
    validateConnection: false,
    pool: { min: 1, max: 1 },
    options,
  } as sql.config;
}

const rows: string[][] = [];
for (const [name, options] of modes) {
  const pool = await new sql.ConnectionPool(config(options)).connect();
  const check = await pool.request().query(QUERY);
  if (check.recordset.length < 4) throw new Error(`catalog query returned ${check.recordset.length} rows`);
  for (let i = 0; i < 100; i++) await pool.request().query(QUERY);
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const started = process.hrtime.bigint();
    await pool.request().query(QUERY);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  await pool.close();
  const query = spread(times);
  const connections = await connectionsPerSecond(config(options));
  const wire = await connectionsPerSecond(config(options, { port: wireOnly.port, ...LOGIN }));
  const range = (s: Spread) => `${fmt(s.median)} (${fmt(s.low)}–${fmt(s.high)})`;
  rows.push([name, range(query), fmt(percentile(times, 99)), range(connections), range(wire)]);
  report('lab', `catalog query round trip, ${name}`, query, 'ms', `p99 ${fmt(percentile(times, 99))} ms`);
  report('lab', `connect + login + close, ${name}`, connections, '/s', `fake handler ${fmt(wire.median)}/s`);
}
const prepared = await preparedAgainstBatch();
await listener.close();
await wireOnly.close();

/** The same parameterised lookup as a plain batch (SQL_BATCH) and as a prepared statement
 * (sp_prepare once, then sp_execute by handle per round trip), in clear text. */
async function preparedAgainstBatch(): Promise<{ batch: number[]; prepared: number[] }> {
  // A prepared statement holds its pool's one connection: the batch gets a pool of its own.
  const pool = await new sql.ConnectionPool(config(modes[0]![1])).connect();
  const preparedPool = await new sql.ConnectionPool(config(modes[0]![1])).connect();
  const statement = new sql.PreparedStatement(preparedPool);
  statement.input('id', sql.Int);
  await statement.prepare('SELECT name FROM sys.databases WHERE database_id = @id');
  const timed = async (run: () => Promise<{ recordset: unknown[] }>): Promise<number[]> => {
    for (let i = 0; i < 100; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const started = process.hrtime.bigint();
      const result = await run();
      if (result.recordset.length !== 1) throw new Error('the lookup returned no row');
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return times;
  };
  const batch = await timed(() => pool.request().query('SELECT name FROM sys.databases WHERE database_id = 1'));
  const preparedTimes = await timed(() => statement.execute({ id: 1 }));
  await statement.unprepare();
  await pool.close();
  await preparedPool.close();
  report('lab', 'lookup round trip, plain batch', spread(batch), 'ms', `p99 ${fmt(percentile(batch, 99))} ms`);
  report('lab', 'lookup round trip, prepared (sp_execute)', spread(preparedTimes), 'ms', `p99 ${fmt(percentile(preparedTimes, 99))} ms`);
  return { batch, prepared: preparedTimes };
}

/** Connections per second in batches of CONNECTIONS / CONNECTION_BATCHES: median and min–max. */
async function connectionsPerSecond(target: sql.config): Promise<Spread> {
  const rates: number[] = [];
  const perBatch = Math.ceil(CONNECTIONS / CONNECTION_BATCHES);
  for (let b = 0; b < CONNECTION_BATCHES; b++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) {
      const one = await new sql.ConnectionPool(target).connect();
      await one.close();
    }
    rates.push(perBatch / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  return spread(rates);
}

const header = ['mode', 'query ms, median (p25–p75)', 'query p99 ms', 'connections/s (min–max)', 'fake handler, connections/s (min–max)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(
  `bench/lab: TDS listener + real lab handler (SQLPRI01), in-process; ${QUERIES} × mssql query() of "${QUERY}"; ${CONNECTIONS} sequential connect+close in ${CONNECTION_BATCHES} batches; node ${process.version}; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(line(header));
for (const row of rows) console.log(line(row));
const median = (times: number[]) => fmt(spread(times).median);
console.log(
  `lookup by database_id, plain: batch ${median(prepared.batch)} ms (p99 ${fmt(percentile(prepared.batch, 99))}), prepared sp_execute ${median(prepared.prepared)} ms (p99 ${fmt(percentile(prepared.prepared, 99))})`,
);
