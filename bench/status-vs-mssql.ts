// `status` of the built CLI against a plain mssql script sending the very same batches (read back
// from the lab's batch log after one status), whole process each, interleaved; and how soon the CLI
// sends its first statement after its process starts (the lab's batch-log time of the first
// batch, minus the spawn time: one clock, one machine).
// Usage: npm run build && node --import tsx bench/status-vs-mssql.ts [runs]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, fmt, spread } from './support/stats.js';
import { report } from './support/summary.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist/cli.js');
const runs = Number(process.argv[2] ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'mb-bench-status-'));

function node(args: string[], cwd = dir): { ms: number; startedAt: number } {
  const startedAt = Date.now();
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms: performance.now() - started, startedAt };
}

interface Batch {
  ts: string;
  app: string;
  sql?: string;
  spid: number;
}
const batchesOf = (instance: string): Batch[] =>
  readFileSync(join(dir, 'lab', 'logs', `${instance}.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Batch);

node([cli, 'lab', 'start', '--dir', join(dir, 'lab')]);
try {
  const configPath = join(dir, 'lab', 'mirrorbook.yaml');
  const status = [cli, 'status', '--config', configPath, '--json'];
  const config = parse(readFileSync(configPath, 'utf8')) as {
    pair: Record<'principal' | 'mirror', { server: string; port: number; instance: string; login: string; password: string; caFile: string }>;
  };
  node(status);
  // What one status sent to each server, after the driver's own session set-up batch.
  const plan = Object.values(config.pair).map((p) => ({
    server: p.server,
    port: p.port,
    user: p.login,
    password: readFileSync(join(dir, 'lab', p.password.replace(/^file:/, '')), 'utf8').trim(),
    ca: join(dir, 'lab', p.caFile),
    batches: batchesOf(p.instance)
      .filter((b) => b.app === 'mirrorbook' && b.sql && !/^set ansi_nulls on/.test(b.sql))
      .map((b) => b.sql!),
  }));
  const script = join(dir, 'plain-status.mjs');
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
import sql from ${JSON.stringify(join(root, 'node_modules/mssql/index.js'))};
const plan = ${JSON.stringify(plan)};
await Promise.all(plan.map(async (p) => {
  const pool = await new sql.ConnectionPool({ server: p.server, port: p.port, user: p.user, password: p.password, options: { encrypt: true, trustServerCertificate: false, cryptoCredentialsDetails: { ca: readFileSync(p.ca) } } }).connect();
  for (const batch of p.batches) await pool.request().batch(batch);
  await pool.close();
}));
`,
  );
  node([script]);

  const samples = { status: [] as number[], plain: [] as number[], first: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const before = batchesOf('SQLPRI01').length;
    const run = node(status);
    samples.status.push(run.ms);
    const first = batchesOf('SQLPRI01')
      .slice(before)
      .find((b) => b.app === 'mirrorbook');
    if (first) samples.first.push(Date.parse(first.ts) - run.startedAt);
    samples.plain.push(node([script]).ms);
  }
  const s = spread(samples.status);
  const p = spread(samples.plain);
  const f = spread(samples.first);
  const ratio = s.median / p.median;
  console.log(
    `bench/status-vs-mssql: ${runs} rounds, interleaved; node ${process.version}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`  status --json, whole process          ${describe(s, 'ms')}`);
  console.log(`  plain mssql, same batches             ${describe(p, 'ms')}; status/plain ${fmt(ratio)}×`);
  console.log(`  first statement after process start   ${describe(f, 'ms')}`);
  report('status-vs-mssql', 'status --json, whole process', s, 'ms', `${fmt(ratio)}× a plain mssql script sending the same batches`);
  report('status-vs-mssql', 'plain mssql script, same batches', p, 'ms');
  report('status-vs-mssql', 'first statement after process start', f, 'ms');
} finally {
  node([cli, 'lab', 'stop', '--dir', join(dir, 'lab')]);
  rmSync(dir, { recursive: true, force: true });
}
