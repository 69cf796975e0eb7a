// Start-up: the first frame of the run view against an Ink hello-world, both bundled the way
// scripts/build.mjs bundles the CLI and measured in this same run (first write to a terminal,
// from process start); and `runs --json` of the built CLI, whole process, against bare node.
// Usage: npm run build && node --import tsx bench/startup.ts [runs]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { build } from 'esbuild';
import { describe, fmt, spread } from './support/stats.js';
import { report } from './support/summary.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const runs = Number(process.argv[2] ?? 15);
const out = mkdtempSync(join(tmpdir(), 'mb-bench-startup-'));

const stub = join(out, 'react-devtools-core-stub.js');
writeFileSync(stub, 'export default {};\n');
await build({
  entryPoints: { 'ink-hello': join(root, 'bench/startup-entries/ink-hello.tsx'), 'run-view': join(root, 'bench/startup-entries/run-view.tsx') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  alias: { 'react-devtools-core': stub },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
});

function firstFrame(script: string): number {
  const result = spawnSync(process.execPath, [join(out, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const ms = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isFinite(ms)) throw new Error(`${script} drew no frame (exit ${result.status}): ${result.stdout}`);
  return ms;
}

function wall(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: out, env: { ...process.env, ...env }, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
}

const samples = { hello: [] as number[], view: [] as number[], runsJson: [] as number[], bare: [] as number[] };
const store = join(out, 'state.db');
// Interleaved so both sides of each comparison see the same machine load.
for (let i = 0; i < runs; i++) {
  samples.hello.push(firstFrame('ink-hello.mjs'));
  samples.view.push(firstFrame('run-view.mjs'));
  samples.bare.push(wall(['-e', '0']));
  samples.runsJson.push(wall([join(root, 'dist/cli.js'), 'runs', '--json', '--store', store]));
}
rmSync(out, { recursive: true, force: true });

const hello = spread(samples.hello);
const view = spread(samples.view);
const bare = spread(samples.bare);
const runsJson = spread(samples.runsJson);
const overhead = spread(samples.view.map((v, i) => v - samples.hello[i]!));
console.log(
  `bench/startup: ${runs} rounds, interleaved; ms from process start; node ${process.version}; load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`  Ink hello-world, first frame   ${describe(hello, 'ms')}`);
console.log(`  run view, first frame          ${describe(view, 'ms')}; over hello-world in the same round ${describe(overhead, 'ms')}`);
console.log(`  node -e 0, whole process       ${describe(bare, 'ms')}`);
console.log(`  runs --json, whole process     ${describe(runsJson, 'ms')}`);
report('startup', 'Ink hello-world, first frame', hello, 'ms');
report(
  'startup',
  'run view, first frame',
  view,
  'ms',
  `${overhead.median < 0 ? '−' : '+'}${fmt(Math.abs(overhead.median))} ms against hello-world, same round`,
);
report('startup', 'node -e 0, whole process', bare, 'ms');
report('startup', 'runs --json, whole process', runsJson, 'ms');
