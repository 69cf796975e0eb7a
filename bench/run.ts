// Runs every benchmark in bench/ (each file but this one) in a process of its own, one after the
// other so they do not disturb each other. Usage: npm run bench [-- substring]

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const filter = process.argv[2];
const benches = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && (!filter || f.includes(filter))).sort();
let failed = 0;
for (const file of benches) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`bench/${file} failed (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed ? 1 : 0);
