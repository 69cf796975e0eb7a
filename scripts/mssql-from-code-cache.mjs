// The `mssql` every connecting command imports (scripts/bundle-options.mjs points the bundle's
// `mssql` here). mssql with tedious is ~1 MB of JavaScript each such process would parse and compile
// again, and Node 20 has no compile cache for modules: so mssql is built as one CommonJS file beside
// the chunks and compiled here through vm.Script with V8's code cache, kept like Node's own (under the
// temporary folder, off with NODE_DISABLE_COMPILE_CACHE). The cache is written as soon as mssql has
// loaded (a process may be killed before any exit hook), and a missing, rejected or unwritable cache
// only costs the compile.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const BUNDLE = fileURLToPath(new URL('./mssql.cjs', import.meta.url));

/** Where the code cache of `source` is, or undefined when the environment turns caching off. */
function cacheFileFor(source) {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const key = createHash('sha256').update(source).update(process.version).update(process.versions.v8).digest('hex').slice(0, 32);
  return join(tmpdir(), 'mirrorbook-compile-cache', `${key}.bin`);
}

function readCache(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written beside and renamed, so a process reading it meanwhile sees a whole cache or none. */
function writeCache(file, data) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
  }
}

function load() {
  // CommonJS's own wrapper, on the first line so the bundle's line numbers stay its own.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`;
  const cacheFile = cacheFileFor(source);
  const cachedData = cacheFile && readCache(cacheFile);
  const script = new Script(source, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  // After the top level ran: the cache then holds every function loading compiled, not only the outermost.
  if (cacheFile && (!cachedData || script.cachedDataRejected)) writeCache(cacheFile, script.createCachedData());
  return module.exports;
}

export default load();
