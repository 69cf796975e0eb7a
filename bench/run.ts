// Runs every benchmark in bench/ (each file but this one) in a process of its own, one after the
// other so they do not disturb each other, then prints one summary table of their headline
// figures. Builds dist/ first when a source file is newer (the CLI benches time the built CLI).
// Usage: npm run bench [-- substring]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freshBundle } from '../test/helpers/fresh-bundle.js';
import { readSummary, summaryTable } from './support/summary.js';

const dir = new URL('.', import.meta.url).pathname;
const root = join(dir, '..');
const filter = process.argv[2];
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && (!filter || f.includes(filter)))
  .sort();

if (!freshBundle(root)) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'mirrorbook-bench-'));
const summary = join(work, 'summary.ndjson');
const started = new Date();
const startLoad = loadavg();
let failed = 0;
const took: string[] = [];
for (const file of benches) {
  const t = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit', env: { ...process.env, BENCH_SUMMARY: summary } });
  took.push(`${file.replace(/\.ts$/, '')} ${((performance.now() - t) / 1000).toFixed(0)} s`);
  if (result.status !== 0) {
    failed++;
    console.error(`bench/${file} failed (exit ${result.status ?? result.signal})`);
  }
  console.log();
}

const rows = readSummary(summary);
rmSync(work, { recursive: true, force: true });
console.log(
  `Summary — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), load average ${startLoad.map((l) => l.toFixed(1)).join(' ')} at the start, ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the end`,
);
console.log(
  `Times: ${took.join(', ')}. "spread" is p25–p75 for 10 samples or more, else min–max; "load" is the 1-minute load average when the figure was taken.`,
);
console.log(summaryTable(rows));
process.exit(failed ? 1 : 0);
