// Preloaded (node --import) into a process a bench times: at exit, writes the process's peak
// resident set (bytes) and its CPU time (user and system, ms, all its threads) as JSON to the file
// named by BENCH_USAGE_FILE. CPU time is what a machine shared with other work does not inflate
// much, where wall time can double.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRss: usage.maxRSS * 1024, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
  });
}
