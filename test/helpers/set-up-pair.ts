// A lab pair after an uninterrupted `run setup`, built once and copied: the crash matrices need a
// set-up pair on every side of every file just to reach the procedure they kill, and a setup is
// the longest procedure there is. The lab persists everything in its directory (state.json,
// credentials, batch logs) and the store lives there too (state.db), so a copy of the stopped
// directory restarts as the same pair with the same run history: same instance ids, certificates,
// store id and anchors. Only the TDS ports are cleared, so that each copy listens on ports of its
// own; the lab rewrites mirrorbook.yaml with them when it starts.
//
// Built once per state of the sources: under os.tmpdir(), keyed by a hash of the product sources
// and the lock file, by whichever test process asks first (others wait on its lock); an entry
// older than MAX_AGE_MS is built again, so a suite run never copies a pair older than the run.
// A test runner may call buildSetUpPair() before it starts the files.

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lab.js';
import { startPairLab, type PairLab, type PairLabOptions } from '../runbooks/pair-lab.js';

const CACHE = join(tmpdir(), 'mirrorbook-set-up-pair');
/** What a setup leaves behind is decided by these (test/ and docs are not among them). */
const SOURCES = [
  'cli',
  'config',
  'errors',
  'lab',
  'machines',
  'monitor',
  'preflight',
  'runbooks',
  'steps',
  'store',
  'ui',
  'package-lock.json',
  // How the tests start a lab and run the CLI (its environment, the lab's options).
  'test/helpers/lab.ts',
  'test/helpers/cli-in-process.ts',
  'test/runbooks/pair-lab.ts',
  'test/helpers/set-up-pair.ts',
];
const MAX_AGE_MS = 3_600_000;

function hashTree(hash: ReturnType<typeof createHash>, path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
    return;
  }
  hash.update(path.slice(REPO_ROOT.length)).update('\0').update(readFileSync(path)).update('\0');
}

function sourcesKey(): string {
  const hash = createHash('sha256');
  for (const source of SOURCES) hashTree(hash, join(REPO_ROOT, source));
  return hash.digest('hex').slice(0, 16);
}

function fresh(dir: string): boolean {
  return existsSync(join(dir, 'ready')) && statSync(join(dir, 'ready')).mtimeMs > Date.now() - MAX_AGE_MS;
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

/** The directory of the set-up pair for the current sources, built if there is none yet; safe
 * when several processes ask at once (one builds, the others wait for it). */
export async function buildSetUpPair(): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const key = sourcesKey();
  const dir = join(CACHE, key);
  const lock = `${dir}.lock`;
  while (!fresh(dir)) {
    try {
      mkdirSync(lock);
    } catch {
      // A live builder is waited for however long a loaded machine makes its setup (the test
      // runner's per-file limit bounds the wait); a dead one's lock is taken over.
      if (!holderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      if (!fresh(dir)) await build(dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}

async function build(dir: string): Promise<void> {
  for (const old of readdirSync(CACHE).filter((name) => !name.endsWith('.lock'))) {
    const path = join(CACHE, old);
    if (statSync(path).mtimeMs < Date.now() - MAX_AGE_MS) rmSync(path, { recursive: true, force: true });
  }
  const staging = mkdtempSync(`${dir}.building-`);
  const pair = await startPairLab({ dir: staging });
  try {
    const setup = await pair.mb('run', 'setup', '--yes');
    if (setup.code !== 0) throw new Error(`the setup of the set-up pair exited ${setup.code}:\n${setup.stdout}\n${setup.stderr}`);
  } finally {
    await pair.stop();
  }
  writeFileSync(join(staging, 'ready'), new Date().toISOString());
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

/** A running copy of the set-up pair in a directory of its own, removed by stop(). */
export async function startSetUpPair(options: Pick<PairLabOptions, 'realisticPace'> = {}): Promise<PairLab> {
  const source = await buildSetUpPair();
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-lab-'));
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, 'ready'));
  // Each copy listens on ports of its own (0: the system picks; the lab saves and configures them).
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { instances: Record<string, { tdsPort: number }> };
  for (const instance of Object.values(state.instances)) instance.tdsPort = 0;
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  const pair = await startPairLab({ ...options, dir });
  return {
    ...pair,
    stop: async () => {
      await pair.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
