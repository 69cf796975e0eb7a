// The audit trail at 1,000,000 records, then `mirrorbook audit verify`
// and each export format run as the real built CLI, output to a file, timed from process start to
// exit with the process's peak RSS and CPU time (user + system, every thread). The bench checks
// what it times: verify must say intact, the exports must hold every record, and after the timed
// runs one record is edited behind the store's back and verify must name it. The goal of issue #11:
// verify at 1,000,000 records in ≤ 3 s with the integrity check, peak RSS ≤ 100 MB.
// The store: `--shape real` (the default) copies the runs a lab pair's `run setup` and
// `run failover` wrote, with the table rows each record is tied to (support/audit-fill-real.ts),
// so verify ties as many rows as a real store makes it; `--shape synthetic` is a trail of
// untied records (support/audit-fill.ts: the store's API for the append rate, then a bulk path).
// `--store FILE` keeps the store: filled when FILE does not exist, timed as it is when it does (the
// fill runs a lab for a minute; the timing can then wait for a quiet machine).
// Usage: npm run build && node --import tsx bench/audit.ts [--records N] [--runs N] [--only verify] [--shape real|synthetic] [--store FILE]

import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, createReadStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { fillAudit } from './support/audit-fill.js';
import { fillRealRuns } from './support/audit-fill-real.js';
import { describe, fmt, spread } from './support/stats.js';
import { report } from './support/summary.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const RECORDS = arg('records', 1_000_000);
const RUNS = arg('runs', 3);
const THROUGH_API = 50_000;
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
const shapeAt = process.argv.indexOf('--shape');
const SHAPE = shapeAt === -1 ? 'real' : process.argv[shapeAt + 1];
if (SHAPE !== 'real' && SHAPE !== 'synthetic') throw new Error(`--shape ${SHAPE}: real or synthetic`);
const keptAt = process.argv.indexOf('--store');
const KEPT_STORE = keptAt === -1 ? undefined : resolve(process.argv[keptAt + 1]!);
const GOAL_S = 3;
const GOAL_RSS_MB = 100;

const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist', 'cli.js');
const usagePreload = join(root, 'bench', 'support', 'process-usage.mjs');

interface Timed {
  ms: number;
  cpuMs: number;
  peakRss: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with stdout to `outFile` (or captured), timing the whole process. */
function runCli(args: string[], outFile?: string): Timed {
  const usageFile = join(work, 'usage.json');
  const out = outFile ? openSync(outFile, 'w') : 'pipe';
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', usagePreload, cli, ...args], {
      // Its own state directory: a lab another command left remembered (and since removed) must not
      // stand in for the config the store's path already answers.
      env: { ...process.env, BENCH_USAGE_FILE: usageFile, NO_COLOR: '1', MIRRORBOOK_STATE_HOME: join(work, 'state-home') },
      stdio: ['ignore', out, 'pipe'],
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const ms = performance.now() - started;
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { peakRss: number; userMs: number; systemMs: number };
    return {
      ms,
      cpuMs: usage.userMs + usage.systemMs,
      peakRss: usage.peakRss,
      status: result.status,
      stdout: result.stdout ?? '',
      stderr: result.stderr ?? '',
    };
  } finally {
    if (typeof out === 'number') closeSync(out);
  }
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

const work = mkdtempSync(join(tmpdir(), 'mirrorbook-bench-audit-'));
try {
  const storePath = KEPT_STORE ?? join(work, 'state.db');
  const loadBefore = loadavg()[0]!;
  const fillLines: string[] = [];
  if (existsSync(storePath)) {
    fillLines.push(`  store: ${storePath}, kept from an earlier fill`);
  } else if (SHAPE === 'real') {
    const fill = await fillRealRuns(storePath, RECORDS);
    fillLines.push(
      `  store: ${fill.runs.toLocaleString('en-US')} runs copied from a lab's setup + failover (${fill.templateRecords} records, ${fill.templateTied} of them tied to a table row), ${fmt(fill.copyRate)} records/s through the copy path`,
    );
  } else {
    const fill = fillAudit(storePath, RECORDS, THROUGH_API);
    fillLines.push(
      `  append: ${fmt(fill.apiRate)} records/s through store.audit.append (${fill.apiRecords.toLocaleString('en-US')} records, 10,000 to a transaction), ${fmt(fill.bulkRate)} records/s through the bench's bulk path (the rest)`,
    );
    report(
      'audit',
      'append through store.audit.append',
      fill.apiRate,
      'records/s',
      `${fill.apiRecords.toLocaleString('en-US')} records, 10,000 per transaction`,
    );
  }
  const storeMb = statSync(storePath).size / 1e6;

  const verify = () => {
    const t = runCli(['audit', 'verify', '--local', '--store', storePath]);
    if (t.status !== 0 || !t.stdout.includes(`intact: ${RECORDS} records`))
      throw new Error(`audit verify did not find ${RECORDS} intact records (exit ${t.status}): ${t.stdout}${t.stderr}`);
    return t;
  };
  const exportTo = (format: string) => {
    const file = join(work, `audit.${format}`);
    const t = runCli(['audit', '--format', format, '--store', storePath], file);
    if (t.status !== 0) throw new Error(`audit --format ${format} exited ${t.status}: ${t.stderr}`);
    return { ...t, file };
  };
  const all: Record<string, () => Timed & { file?: string }> = {
    verify,
    ndjson: () => exportTo('ndjson'),
    csv: () => exportTo('csv'),
    md: () => exportTo('md'),
  };
  const operations = Object.fromEntries(Object.entries(all).filter(([name]) => ONLY === undefined || name === ONLY));
  if (Object.keys(operations).length === 0) throw new Error(`--only ${ONLY}: not one of ${Object.keys(all).join(', ')}`);
  const samples = Object.fromEntries(
    Object.keys(operations).map((k) => [k, { ms: [] as number[], cpuMs: [] as number[], rss: [] as number[], load: [] as number[] }]),
  );
  const sizes: Record<string, number> = {};
  for (let r = 0; r < RUNS; r++) {
    for (const [name, operation] of Object.entries(operations)) {
      samples[name]!.load.push(loadavg()[0]!);
      const t = operation();
      samples[name]!.ms.push(t.ms);
      samples[name]!.cpuMs.push(t.cpuMs);
      samples[name]!.rss.push(t.peakRss);
      if (t.file && r === 0) {
        sizes[name] = statSync(t.file).size / 1e6;
        if (name === 'ndjson' && (await countLines(t.file)) !== RECORDS) throw new Error('the NDJSON export does not hold one line per record');
        if (name === 'csv' && (await countLines(t.file)) !== RECORDS + 1) throw new Error('the CSV export does not hold a header and one line per record');
        if (name === 'md' && !readFileSync(t.file, 'utf8').includes(`Intact: ${RECORDS} records verified`))
          throw new Error('the Markdown report does not say the chain is intact');
      }
      if (t.file) rmSync(t.file);
    }
  }

  // The bench must be able to fail: an edited record has to be found, by number (in a copy: a kept store stays intact).
  const victim = Math.floor(RECORDS * 0.77);
  const tamperedPath = join(work, 'tampered.db');
  copyFileSync(storePath, tamperedPath);
  const raw = new Database(tamperedPath);
  raw.exec('DROP TRIGGER IF EXISTS audit_no_update');
  raw.prepare("UPDATE audit SET message = 'nothing happened here' WHERE seq = ?").run(victim);
  raw.close();
  const tampered = runCli(['audit', 'verify', '--local', '--store', tamperedPath]);
  if (tampered.status !== 1 || !tampered.stderr.includes(`BROKEN at record #${victim}`))
    throw new Error(`verify missed the record edited at seq ${victim} (exit ${tampered.status}): ${tampered.stderr}`);

  const lines = [
    `bench/audit: ${RECORDS.toLocaleString('en-US')} records, ${SHAPE} shape (${storeMb.toFixed(0)} MB store on ${tmpdir()}), built CLI, output to a file; median of ${RUNS}, min–max; node ${process.version}, load ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
    ...fillLines,
  ];
  for (const [name, s] of Object.entries(samples)) {
    const time = spread(s.ms.map((ms) => ms / 1000));
    const rate = spread(s.ms.map((ms) => RECORDS / (ms / 1000)));
    const cpu = spread(s.cpuMs.map((ms) => ms / 1000));
    const rss = spread(s.rss.map((b) => b / 1e6));
    const load = spread(s.load);
    const label = name === 'verify' ? 'audit verify' : `audit --format ${name}`;
    lines.push(
      `  ${label.padEnd(22)} wall ${describe(time, 's')}; CPU (user+sys, all threads) ${describe(cpu, 's')}; ${fmt(rate.median)} records/s; peak RSS ${fmt(rss.median)} MB (max ${fmt(rss.high)}); load ${fmt(load.low)}–${fmt(load.high)} before each${sizes[name] ? `; ${sizes[name]!.toFixed(0)} MB written` : ''}`,
    );
    report(
      'audit',
      `${label}, ${RECORDS.toLocaleString('en-US')} records (${SHAPE} shape)`,
      time,
      's',
      `CPU ${fmt(cpu.median)} s, ${fmt(rate.median)} rec/s, peak RSS ${fmt(rss.high)} MB`,
    );
    if (name === 'verify' && RECORDS === 1_000_000) {
      const met = time.median <= GOAL_S && rss.high <= GOAL_RSS_MB;
      lines.push(
        `  goal (issue #11: ≤ ${GOAL_S} s, peak RSS ≤ ${GOAL_RSS_MB} MB): ${met ? 'met' : 'NOT met'} by the wall median${time.median > GOAL_S && load.low > 2 ? ` (load ${fmt(load.low)}+ on ${cpus().length} cores: the wall time waited for a CPU; the CPU time ${fmt(cpu.median)} s is the figure the load does not set)` : ''}`,
      );
    }
  }
  lines.push(`  tamper check: record ${victim} edited behind the store's back → verify exits 1 naming #${victim} (${fmt(tampered.ms / 1000)} s)`);
  console.log(lines.join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
