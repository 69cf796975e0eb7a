// Something the tests need that takes long to make and depends only on the sources (a set-up pair, a
// bundle of the CLI): made once per state of those sources and shared by every test process of a
// suite run. Each lives in a directory under `cache`, named by a hash of the sources; whichever
// process asks first builds it (others wait on its lock), in a staging directory renamed into place
// when done, so nobody sees half of it. An entry no test used for MAX_AGE_MS is removed by a later
// build of another.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lab.js';

const MAX_AGE_MS = 3_600_000;

function hashTree(hash: ReturnType<typeof createHash>, path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
    return;
  }
  hash.update(path.slice(REPO_ROOT.length)).update('\0').update(readFileSync(path)).update('\0');
}

function sourcesKey(sources: string[]): string {
  const hash = createHash('sha256');
  for (const source of sources) hashTree(hash, join(REPO_ROOT, source));
  return hash.digest('hex').slice(0, 16);
}

/** Built and whole. The name is a hash of the sources, so an entry never goes stale; using one
 * marks it in use, so that another build's clean-up (of entries unused for MAX_AGE_MS) spares it. */
function fresh(dir: string): boolean {
  const ready = join(dir, 'ready');
  if (!existsSync(ready)) return false;
  const now = new Date();
  utimesSync(ready, now, now);
  return true;
}

function holderAlive(lock: string): boolean {
  try {
    process.kill(Number(readFileSync(join(lock, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    // No pid yet (the holder is between mkdir and write), or a dead holder.
    return existsSync(lock) && statSync(lock).mtimeMs > Date.now() - 2_000;
  }
}

/** The directory `build` made for the current state of `sources` (paths under the repo), built into
 * an empty directory first if there is none yet; safe when several processes ask at once. */
export async function builtOnce(cache: string, sources: string[], build: (dir: string) => Promise<void>): Promise<string> {
  mkdirSync(cache, { recursive: true });
  const dir = join(cache, sourcesKey(sources));
  const lock = `${dir}.lock`;
  while (!fresh(dir)) {
    try {
      mkdirSync(lock);
    } catch {
      // A live builder is waited for however long a loaded machine makes it take (the test runner's
      // per-file limit bounds the wait); a dead one's lock is taken over.
      // Moved aside in one step, so two waiters cannot both take it over (the second finds none).
      if (!holderAlive(lock)) moveAside(lock);
      else await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      if (!fresh(dir)) await buildInto(cache, dir, build);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}

function moveAside(lock: string): void {
  const aside = `${lock}.dead-${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return;
  }
  rmSync(aside, { recursive: true, force: true });
}

async function buildInto(cache: string, dir: string, build: (dir: string) => Promise<void>): Promise<void> {
  // Other entries unused for long; never a lock or another builder's staging directory.
  for (const old of readdirSync(cache).filter((name) => !name.includes('.'))) {
    const ready = statSync(join(cache, old, 'ready'), { throwIfNoEntry: false });
    if (join(cache, old) !== dir && (!ready || ready.mtimeMs < Date.now() - MAX_AGE_MS)) rmSync(join(cache, old), { recursive: true, force: true });
  }
  const staging = mkdtempSync(`${dir}.building-`);
  try {
    await build(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(join(staging, 'ready'), new Date().toISOString());
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}
