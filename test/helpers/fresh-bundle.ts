// Whether dist/ was built after the last change to any source file: tests then run the built CLI
// and lab process (a stale bundle is never tested) and the benches time this source.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The product's sources and the lock file: what a bundle of the product is built from. */
export const PRODUCT_SOURCES = ['cli', 'config', 'errors', 'lab', 'machines', 'monitor', 'preflight', 'runbooks', 'steps', 'store', 'ui', 'package-lock.json'];
/** What dist/ is built from: those and the build's own scripts. */
const SOURCES = [...PRODUCT_SOURCES, 'scripts'];

function newestChange(dir: string): number {
  if (!existsSync(dir)) return 0;
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestChange(path));
    return /\.(tsx?|[cm]js)$/.test(entry.name) ? Math.max(newest, statSync(path).mtimeMs) : newest;
  }, 0);
}

export function freshBundle(root: string): boolean {
  // dispatch.js and signals.js: the CLI the tests run in their own process (cli-in-process.ts).
  const bundles = ['cli.js', 'lab-process.cjs', 'store-worker.js', 'dispatch.js', 'signals.js'].map((f) => join(root, 'dist', f));
  if (!bundles.every(existsSync)) return false;
  const built = Math.min(...bundles.map((f) => statSync(f).mtimeMs));
  return built > Math.max(...SOURCES.map((d) => newestChange(join(root, d))));
}
