// Loaded into every test process by test/run.mjs: at exit, prints the CPU time the file used —
// its own and that of the processes it started and waited for (the CLI, labs) — from
// /proc/self/stat, so the per-file report means something on a loaded machine too. A worker thread
// inherits the --import: it prints nothing, or the runner could read its line for the file's.
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const TICK_MS = 10; // Linux USER_HZ is 100

process.on('exit', () => {
  if (!isMainThread) return;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // After "pid (comm) ": state is field 3; utime, stime, cutime, cstime are fields 14-17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0);
    process.stderr.write(`\n[cpu-ms] ${ticks * TICK_MS}\n`);
  } catch {
    // Not Linux: no CPU figure, the wall time still shows.
  }
});
