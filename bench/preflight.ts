// `mirrorbook check setup` (every preflight check on both partners) next to `mirrorbook status`,
// whole process of the built CLI, against a lab pair in its own process. Median of RUNS each.
// Usage: npm run build && node --import tsx bench/preflight.ts [runs]

import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startTestLab } from '../test/helpers/lab.js';
import { describe, spread } from './support/stats.js';
import { report } from './support/summary.js';

const runs = Number(process.argv[2] ?? 15);
const lab = await startTestLab();
const config = join(lab.dir, 'mirrorbook.yaml');

function wall(args: string[], expectExit: number): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), ...args, '--config', config], { stdio: 'ignore' });
  if (result.status !== expectExit) throw new Error(`mirrorbook ${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
}

try {
  const measures: [string, string[]][] = [
    ['status', ['status']],
    ['check setup', ['check', 'setup']],
  ];
  for (const [, args] of measures) wall(args, 0);
  console.log(
    `bench/preflight: built CLI against a lab pair (2019 Enterprise, 2 databases), whole process, ${runs} runs each; node ${process.version}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const [name, args] of measures) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(wall(args, 0));
    const s = spread(times);
    report('preflight', `mirrorbook ${name}`, s, 'ms');
    console.log(`  ${name.padEnd(12)} ${describe(s, 'ms')}`);
  }
} finally {
  await lab.stop();
}
