// The packages the CLI bundles — mssql with tedious, yaml, xstate — are built as CommonJS files of
// their own beside the chunks (vendor-<package>-<hash>.cjs: scripts/bundle-options.mjs), and the lab
// as one too (scripts/build.mjs); they are loaded here through node:vm with V8's code cache. The
// first process that loads one keeps its compiled code (the top level and every function it ran) as
// it exits; later processes start from that instead of parsing and compiling the package again.
// Node 22's module compile cache does this for ES modules (cli/main.ts turns it on); Node 20 has
// none, and gives an ES module no cached data without an experimental flag.
// V8 itself checks only a cache's source length, its own version and flags: the file's name carries
// a hash of its content, the cache's name that with V8's tag (version, flags, CPU features) and the
// wrapper's. Bytecode read back is run unchecked, so a cache is read only from a folder and file
// that are the user's own, not links, and writable by nobody else (as Node's own compile cache is
// kept in the user's cache folder: cli/code-cache-dir.ts). A cache V8 refuses is compiled afresh
// and replaced. NODE_DISABLE_COMPILE_CACHE, Node's switch for its cache, turns this one off too.

import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, type Stats, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { codeCacheDir } from './code-cache-dir.js';

/** How a package's code was compiled: from the cache, afresh (none yet, or V8 refused it), or with
 * no cache (turned off, or a folder or file that is not the user's alone). */
export type CodeCacheUse = 'hit' | 'miss' | 'rejected' | 'off' | 'untrusted';

export interface LoadOptions {
  /** Default `~/.cache/mirrorbook/package-code-cache` (cli/code-cache-dir.ts). */
  dir?: string;
  env?: NodeJS.ProcessEnv;
}

const WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'] as const;
const CACHE_TAG = `${cachedDataVersionTag().toString(16)}-${createHash('sha256').update(WRAPPER.join('')).digest('hex').slice(0, 8)}`;
/** A cache file unchanged this long is removed when another is written: builds that are gone leave
 * theirs behind (each names its files by their content), and one still in use is only written again. */
const KEPT_MS = 30 * 24 * 3600 * 1000;

const loaded = new Map<string, { exports: unknown; use: CodeCacheUse }>();
const unsaved: { script: Script; cacheFile: string }[] = [];

/** The package built into `file` (CommonJS), loaded once per process. */
export function loadPackage(file: string, { dir, env = process.env }: LoadOptions = {}): unknown {
  const known = loaded.get(file);
  if (known) return known.exports;
  const cacheFile = env.NODE_DISABLE_COMPILE_CACHE ? undefined : cacheFileFor(file, dir, env);
  const trusted = cacheFile !== undefined && ownedByUser(dirname(cacheFile)) && ownedByUser(cacheFile);
  const cachedData = trusted ? readIfThere(cacheFile) : undefined;
  const script = new Script(`${WRAPPER[0]}${readFileSync(file, 'utf8')}${WRAPPER[1]}`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const use: CodeCacheUse = !cacheFile ? 'off' : !trusted ? 'untrusted' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  loaded.set(file, { exports: module.exports, use });
  if (use === 'miss' || use === 'rejected') {
    if (unsaved.length === 0) process.once('exit', saveCodeCaches);
    unsaved.push({ script, cacheFile: cacheFile! });
  }
  return module.exports;
}

export function codeCacheUse(file: string): CodeCacheUse | undefined {
  return loaded.get(file)?.use;
}

/** Writes the code compiled afresh so far (at exit: by then it holds every function the command ran).
 * Whole or not at all (renamed into place); a folder that cannot be written is left be, before the
 * cache is serialized. Then removes the caches unchanged for KEPT_MS. */
export function saveCodeCaches(): void {
  const dirs = new Set<string>();
  for (const { script, cacheFile } of unsaved.splice(0)) {
    const temp = `${cacheFile}.${process.pid}-${threadId}.tmp`;
    let fd: number | undefined;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
      if (!ownedByUser(dirname(cacheFile))) continue;
      fd = openSync(temp, 'wx', 0o600);
      writeSync(fd, script.createCachedData());
      closeSync(fd);
      fd = undefined;
      renameSync(temp, cacheFile);
      dirs.add(dirname(cacheFile));
    } catch {
      quietly(() => {
        if (fd !== undefined) closeSync(fd);
        rmSync(temp, { force: true });
      });
    }
  }
  for (const dir of dirs) quietly(() => removeUnused(dir));
}

function cacheFileFor(file: string, dir: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return join(dir ?? codeCacheDir('package-code-cache', env), `${basename(file, '.cjs')}-${CACHE_TAG}.bin`);
  } catch {
    // No home folder to keep it in (HOME unset, no passwd entry): no cache.
    return undefined;
  }
}

/** A folder or file that is this user's own, no link, and writable by no one else (true where there
 * is nothing yet, or no owner to compare: Windows keeps ACLs instead). */
function ownedByUser(path: string): boolean {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    return ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
  }
  return process.getuid === undefined || (!stat.isSymbolicLink() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
}

function removeUnused(dir: string): void {
  for (const name of readdirSync(dir)) {
    const stat = statSync(join(dir, name), { throwIfNoEntry: false });
    if (stat && stat.mtimeMs < Date.now() - KEPT_MS) rmSync(join(dir, name), { force: true });
  }
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // A cache is only ever a saving: the next start compiles again.
  }
}
