// Whether dist/ was built after the last change to any source file: tests then run the built CLI
// and lab process (a stale bundle is never tested) and the benches time this source.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIRS = ['cli', 'config', 'lab', 'machines', 'runbooks', 'steps', 'store', 'ui'];

function newestChange(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestChange(path));
    return /\.tsx?$/.test(entry.name) ? Math.max(newest, statSync(path).mtimeMs) : newest;
  }, 0);
}

export function freshBundle(root: string): boolean {
  // dispatch.js and signals.js: the CLI the tests run in their own process (cli-in-process.ts).
  const bundles = ['cli.js', 'lab-process.js', 'store-worker.js', 'dispatch.js', 'signals.js'].map((f) => join(root, 'dist', f));
  if (!bundles.every(existsSync)) return false;
  const built = Math.min(...bundles.map((f) => statSync(f).mtimeMs));
  return built > Math.max(...SOURCE_DIRS.map((d) => newestChange(join(root, d))));
}
