// Engine overhead with durable checkpoints (WAL, synchronous=FULL): per-step median and p99 over
// runs of 200 no-op steps, and the wall time of that procedure against the same 200 no-ops called
// in a plain loop, in the same process. The fsync latency of the same file system and the load
// average are printed too. The fsyncs an applied step costs are counted (strace, when it is
// installed: a run of N steps against a run of none), and the cost of a commit with its
// checkpoint is compared early and late in a 2,000-step run: it must not grow with steps done.
// Usage: node --import tsx bench/engine.ts [--steps N] [--runs N]

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../store/index.js';
import { startRun } from '../machines/engine.js';
import { commandLineOperator } from '../machines/operators.js';
import type { ProcedureDefinition, StepContext, StepDefinition } from '../machines/procedure.js';
import type { Store } from '../store/types.js';
import type { LoadedProcedure } from '../machines/procedure-source.js';
import { describe, fmt, spread } from './support/stats.js';
import { report } from './support/summary.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const STEPS = arg('steps', 200);
const RUNS = arg('runs', 10);

function noopProcedure(count: number): ProcedureDefinition {
  const applied = new Set<string>();
  const steps: StepDefinition[] = Array.from({ length: count }, (_, i) => ({
    id: `noop-${i}`,
    title: `No-op ${i}`,
    target: 'principal',
    probe: async () => ({ done: applied.has(`noop-${i}`) }),
    apply: async () => {
      applied.add(`noop-${i}`);
    },
    verify: async () => ({ done: applied.has(`noop-${i}`) }),
    plan: () => [],
  }));
  return { name: 'noop', title: `${count} no-op steps`, steps };
}

async function plainLoop(definition: ProcedureDefinition): Promise<number> {
  const ctx = {} as StepContext;
  const started = performance.now();
  for (const step of definition.steps) {
    if ((await step.probe(ctx)).done) continue;
    await step.apply(ctx);
    await step.verify(ctx);
  }
  return performance.now() - started;
}

/** Counts the store calls that commit (each one fsync under synchronous=FULL, outside a transaction)
 * and the time spent inside the store. */
function countCommits(store: Store, finished: () => number = () => 0): { count: number; ms: number; each: { step: number; ms: number }[] } {
  const counter = { count: 0, ms: 0, each: [] as { step: number; ms: number }[] };
  const writers: [keyof Store, string][] = [
    ['runs', 'create'],
    ['runs', 'setStatus'],
    ['journal', 'intent'],
    ['journal', 'outcome'],
    ['journal', 'step'],
    ['snapshots', 'save'],
    ['audit', 'append'],
    ['locks', 'acquire'],
    ['locks', 'release'],
  ];
  let depth = 0;
  const transaction = store.transaction.bind(store);
  (store as { transaction: Store['transaction'] }).transaction = (fn, options) => {
    depth++;
    const t = performance.now();
    try {
      return transaction(fn, options);
    } finally {
      if (--depth === 0) {
        counter.count++;
        counter.ms += performance.now() - t;
        counter.each.push({ step: finished(), ms: performance.now() - t });
      }
    }
  };
  for (const [group, method] of writers) {
    const target = store[group] as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = target[method]!.bind(target);
    target[method] = (...args: unknown[]) => {
      if (depth === 0) counter.count++;
      const t = performance.now();
      try {
        return original(...args);
      } finally {
        if (depth === 0) counter.ms += performance.now() - t;
      }
    };
  }
  return counter;
}

async function engineRun(
  definition: ProcedureDefinition,
  dir: string,
  index: number,
): Promise<{ wall: number; perStep: number[]; commits: number; storeMs: number; cpuMs: number; each: { step: number; ms: number }[] }> {
  const store = openStore(join(dir, `bench-${index}.db`));
  const finishedAt: number[] = [];
  const commits = countCommits(store, () => finishedAt.length);
  const procedure: LoadedProcedure = {
    definition,
    pairKey: `BENCH-${index}`,
    targets: () => ({ serverName: () => 'BENCH', query: async () => ({ recordsets: [], rowsAffected: [] }), close: async () => {} }),
  };
  let startedAt = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await startRun({
    store,
    procedure,
    operator: commandLineOperator({ name: 'bench', yes: true }),
    who: { operator: 'bench', osUser: 'bench', host: 'bench' },
    signal: new AbortController().signal,
    resumeCommand: (id) => `mirrorbook resume ${id}`,
    listener: (event) => {
      if (event.type === 'run-started') startedAt = performance.now();
      if (event.type === 'step-finished') finishedAt.push(performance.now());
    },
  });
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  store.close();
  if (result.status !== 'done') throw new Error(`bench run ended ${result.status}`);
  const perStep = finishedAt.map((t, i) => t - (i === 0 ? startedAt : finishedAt[i - 1]!));
  return { wall, perStep, commits: commits.count, storeMs: commits.ms, cpuMs: (used.user + used.system) / 1000, each: commits.each };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Median and p99 of a 4 KiB append + fsync in `dir`: what one durable commit costs at least. */
function fsyncLatency(dir: string): { median: number; p99: number } {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096);
  const samples: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      writeSync(fd, page);
      fsyncSync(fd);
      samples.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** fsync and fdatasync calls of a child process running one engine run of `steps` applied steps, or
 * undefined without strace. */
function fsyncsOfRun(steps: number, dir: string): number | undefined {
  const trace = join(dir, `strace-${steps}`);
  const child = spawnSync(
    'strace',
    [
      '-f',
      '-qq',
      '-e',
      'trace=fsync,fdatasync',
      '-o',
      trace,
      process.execPath,
      '--import',
      'tsx',
      new URL(import.meta.url).pathname,
      '--one-run',
      String(steps),
      '--dir',
      dir,
    ],
    { encoding: 'utf8' },
  );
  if (child.error || child.status !== 0) return undefined;
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => /\b(fsync|fdatasync)\(/.test(line)).length;
}

/** Per applied step: the fsyncs of a run of STEPS steps less those of a run of none (opening the
 * store, the run's start and end). */
function fsyncsPerStep(dir: string): string {
  const none = fsyncsOfRun(0, dir);
  const some = fsyncsOfRun(STEPS, dir);
  if (none === undefined || some === undefined) return 'fsyncs not counted (strace is not installed)';
  const perStep = (some - none) / STEPS;
  report('engine', 'fsyncs per applied step (strace)', perStep, 'fsync');
  return `fsyncs counted by strace: ${some} for a run of ${STEPS} applied steps, ${none} for a run of none: ${perStep.toFixed(2)} per applied step`;
}

/** Commit cost (store time, checkpoint included) over the first and the last 200 steps of a 2,000-step run. */
async function checkpointGrowth(dir: string): Promise<string> {
  const steps = 2000;
  const run = await engineRun(noopProcedure(steps), dir, 9999);
  const median = (from: number, to: number): number => {
    const xs = run.each
      .filter((c) => c.step >= from && c.step < to)
      .map((c) => c.ms)
      .sort((a, b) => a - b);
    return percentile(xs, 50);
  };
  const early = median(0, 200);
  const late = median(steps - 200, steps);
  report('engine', 'commit with checkpoint, steps 1-200 of 2,000', early, 'ms');
  report('engine', 'commit with checkpoint, steps 1801-2,000 of 2,000', late, 'ms');
  return `commit (store time, checkpoint included), median: ${fmt(early)} ms over steps 1-200, ${fmt(late)} ms over steps 1801-2000 of one 2,000-step run`;
}

async function measure(where: string, label: string, key: string): Promise<string[]> {
  const dir = mkdtempSync(join(where, 'mirrorbook-bench-'));
  try {
    const fsync = fsyncLatency(dir);
    await engineRun(noopProcedure(20), dir, 0); // warm-up: JIT, SQLite page cache
    const samples: number[] = [];
    const walls: number[] = [];
    const loops: number[] = [];
    let commits = 0;
    let storeMs = 0;
    let cpuMs = 0;
    for (let r = 1; r <= RUNS; r++) {
      const run = await engineRun(noopProcedure(STEPS), dir, r);
      samples.push(...run.perStep);
      walls.push(run.wall);
      commits += run.commits;
      storeMs += run.storeMs;
      cpuMs += run.cpuMs;
      loops.push(await plainLoop(noopProcedure(STEPS)));
    }
    samples.sort((a, b) => a - b);
    const perStep = spread(samples);
    const p99 = percentile(samples, 99);
    const wall = spread(walls);
    const loop = spread(loops);
    report('engine', `per-step overhead, ${key}`, perStep, 'ms', `p99 ${fmt(p99)} ms; fsync median ${fmt(fsync.median)} ms`);
    report('engine', `${STEPS} no-op steps, ${key}: engine`, wall, 'ms');
    report('engine', `${STEPS} no-op steps, ${key}: plain loop`, loop, 'ms');
    return [
      `  ${label} (${dir.slice(0, dir.lastIndexOf('/'))}; fsync median ${fsync.median.toFixed(3)} ms, p99 ${fsync.p99.toFixed(3)} ms):`,
      `    per-step engine overhead: ${describe(perStep, 'ms')}, p99 ${fmt(p99)} ms (${(commits / RUNS / STEPS).toFixed(1)} commits per step, ${(storeMs / RUNS / STEPS).toFixed(3)} ms of it in the store)`,
      // CPU time does not count the waits for a busy machine's other processes (or for the disk).
      `    CPU time per step (whole run / steps, user + system): ${(cpuMs / RUNS / STEPS).toFixed(3)} ms`,
      `    ${STEPS}-step procedure wall time: ${describe(wall, 'ms')} through the engine vs ${describe(loop, 'ms')} for the same no-ops in a plain loop`,
      `    ${await checkpointGrowth(dir)}`,
      `    ${fsyncsPerStep(dir)}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const oneRun = process.argv.indexOf('--one-run');
if (oneRun !== -1) {
  // A child of fsyncsOfRun, under strace.
  await engineRun(noopProcedure(Number(process.argv[oneRun + 1])), process.argv[process.argv.indexOf('--dir') + 1]!, 10_000 + Number(process.argv[oneRun + 1]));
  process.exit(0);
}

const lines = [
  `bench/engine: ${STEPS}-step no-op procedure, ${RUNS} runs each, WAL + synchronous=FULL, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
];
lines.push(...(await measure(tmpdir(), 'store on disk (every commit is an fsync)', 'disk')));
lines.push(
  `  load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (existsSync('/dev/shm')) lines.push(...(await measure('/dev/shm', 'store on tmpfs (fsync is free: the engine and SQLite alone)', 'tmpfs')));
console.log(lines.join('\n'));
