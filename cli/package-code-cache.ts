// The packages the CLI bundles — mssql with tedious, yaml, xstate — are built as CommonJS files of
// their own beside the chunks (vendor-<package>-<hash>.cjs: scripts/bundle-options.mjs) and loaded
// here through node:vm with V8's code cache. The first process that loads one keeps its compiled
// code (the top level and every function it ran) as it exits; later processes start from that
// instead of parsing and compiling the package again: ~20 ms of CPU less for a command that connects.
// Node 22's module compile cache does this for ES modules (cli/main.ts turns it on); Node 20 has
// none, and gives an ES module no cached data without an experimental flag.
// The file's name carries a hash of its content and the cache's name carries the file's with Node's
// version: V8 itself checks only a source's length and its own flags. A cache V8 rejects (other
// flags, a damaged file) is compiled afresh and replaced. NODE_DISABLE_COMPILE_CACHE, Node's own
// switch for its cache, turns this one off too.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { codeCacheDir } from './code-cache-dir.js';

/** How a package's code was compiled: from the cache, afresh (none yet, or V8 refused it), or with the cache off. */
export type CodeCacheUse = 'hit' | 'miss' | 'rejected' | 'off';

export interface LoadOptions {
  /** Default `~/.cache/mirrorbook/package-code-cache` (cli/code-cache-dir.ts). */
  dir?: string;
  env?: NodeJS.ProcessEnv;
}

const loaded = new Map<string, { exports: unknown; use: CodeCacheUse }>();
const unsaved: { script: Script; cacheFile: string }[] = [];

/** The package built into `file` (CommonJS), loaded once per process. */
export function loadPackage(file: string, { dir, env = process.env }: LoadOptions = {}): unknown {
  const known = loaded.get(file);
  if (known) return known.exports;
  const off = Boolean(env.NODE_DISABLE_COMPILE_CACHE);
  const cacheFile = join(dir ?? codeCacheDir('package-code-cache', env), `${basename(file, '.cjs')}-${process.version}-${process.arch}.bin`);
  const cachedData = off ? undefined : readIfThere(cacheFile);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const use: CodeCacheUse = off ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  loaded.set(file, { exports: module.exports, use });
  if (use === 'miss' || use === 'rejected') {
    if (unsaved.length === 0) process.once('exit', saveCodeCaches);
    unsaved.push({ script, cacheFile });
  }
  return module.exports;
}

export function codeCacheUse(file: string): CodeCacheUse | undefined {
  return loaded.get(file)?.use;
}

/** A cache file unchanged this long is removed when another is written: builds that are gone leave
 * theirs behind (each names its files by their content), and one still in use is only written again. */
const KEPT_MS = 30 * 24 * 3600 * 1000;

/** Writes the code compiled afresh so far (at exit: by then it holds every function the command ran).
 * Whole or not at all (renamed into place); a cache folder that cannot be written is left be. */
export function saveCodeCaches(): void {
  for (const { script, cacheFile } of unsaved.splice(0)) {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
      writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
      renameSync(temp, cacheFile);
      for (const name of readdirSync(dirname(cacheFile))) {
        const path = join(dirname(cacheFile), name);
        if (statSync(path).mtimeMs < Date.now() - KEPT_MS) rmSync(path, { force: true });
      }
    } catch {
      try {
        rmSync(temp, { force: true });
      } catch {
        // Nothing was written, or the folder is not ours to tidy: the next start compiles again.
      }
    }
  }
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
