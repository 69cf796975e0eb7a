// The lab's TDS listener under the real mssql driver: round trip of a catalog query and new
// connections per second, in clear text, TLS inside PRELOGIN, and TDS 8.0 strict. The listener
// runs the real lab SqlHandler (lab/server) for the principal of a fresh site, in this process.

import sql from 'mssql';
import { createSite } from '../lab/site.js';
import { inProcessInstance } from '../lab/server/in-process.js';
import { startTdsListener } from '../lab/tds/listener.js';
import { loadLabTlsCredentials } from '../lab/tls/index.js';
import { FakeHandler, LOGIN } from '../test/fixtures/tds/fake-handler.js';

const PASSWORD = 'Bench-Passw0rd!2024';
const QUERY = 'SELECT name, database_id, state_desc, recovery_model_desc FROM sys.databases ORDER BY name';
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);

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
    server: 'localhost', ...target, database: 'master',
    // One request per round trip: mssql's default validateConnection would add a SELECT 1 to each.
    validateConnection: false, pool: { min: 1, max: 1 }, options,
  } as sql.config;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
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
  times.sort((a, b) => a - b);
  rows.push([name, percentile(times, 50).toFixed(2), percentile(times, 99).toFixed(2),
    (await connectionsPerSecond(config(options))).toFixed(0),
    (await connectionsPerSecond(config(options, { port: wireOnly.port, ...LOGIN }))).toFixed(0)]);
}
await listener.close();
await wireOnly.close();

async function connectionsPerSecond(target: sql.config): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CONNECTIONS; i++) {
    const one = await new sql.ConnectionPool(target).connect();
    await one.close();
  }
  return CONNECTIONS / (Number(process.hrtime.bigint() - started) / 1e9);
}

const header = ['mode', 'query median ms', 'query p99 ms', 'connections/s', 'connections/s (fake handler)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`lab TDS listener + real lab handler (SQLPRI01), in-process; ${QUERIES} × mssql query() of "${QUERY}"; ${CONNECTIONS} sequential connect+close`);
console.log(line(header));
for (const row of rows) console.log(line(row));
