// The test files bundled for test/run.mjs, so each test process loads a few chunks instead of
// resolving and transforming its 200–400 TypeScript modules through ts-hooks.mjs. One esbuild build
// of every entry the run needs (`splitting`: the files of one in-process batch share one copy of
// each module); the product and test sources are inlined, packages stay in node_modules, and the
// sources' `mssql` is the tests' mssql module (mssql-bundle.mjs), as under ts-hooks.mjs. uvu is
// inlined too, with a failing `before` hook's error reported (uvu-before-hook.mjs: the build fails if
// the line it rewrites is gone), so a bundled test process needs no module hooks — whose thread costs
// a process ~80 ms of CPU to start — and the batch runner (unit-batch.mjs, an entry of the bundle)
// shares the test files' copy of it, through which they queue their suites. Every
// module keeps its own import.meta (url, filename, dirname, resolve: the .ts file's; REPO_ROOT and
// fixtures derive from them), and inline source maps point stack traces at the .ts lines. Kept in
// node_modules/.cache/mirrorbook-test-bundle with the list of the files it was built from (size,
// mtime; uvu's included): it is reused until one of them, the entries, tsconfig.json, package.json,
// esbuild, uvu-before-hook.mjs or this file changes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mssqlBundleUrl } from './mssql-bundle.mjs';
import { reportingBeforeHooks, UVU_RUNNER } from './uvu-before-hook.mjs';

/** A build no run has used for this long is removed by the next build (a run still using it ends sooner). */
const MAX_AGE_MS = 3_600_000;

/** The directory holding `entries` (paths from `root`) bundled as `<entry without .ts/.tsx>.js`. */
export async function testBundle(root, entries) {
  const require = createRequire(join(root, 'package.json'));
  const mssql = await mssqlBundleUrl(root);
  const key = createHash('sha256')
    .update(JSON.stringify([...entries].sort()))
    .update(mssql)
    .update(readFileSync(require.resolve('esbuild/package.json')))
    .update(readFileSync(join(root, 'tsconfig.json')))
    .update(readFileSync(join(root, 'package.json')))
    .update(readFileSync(new URL(import.meta.url)))
    .update(readFileSync(new URL('./uvu-before-hook.mjs', import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  const cache = join(root, 'node_modules', '.cache', 'mirrorbook-test-bundle');
  const manifest = join(cache, `${key}.json`);
  const built = unchanged(root, manifest);
  if (built) return join(cache, built);
  mkdirSync(cache, { recursive: true });
  removeUnused(cache);
  const out = mkdtempSync(join(cache, 'build-'));
  const started = Date.now();
  let inputs;
  try {
    inputs = await build(require('esbuild'), root, entries, mssql, out);
  } catch (error) {
    rmSync(out, { recursive: true, force: true });
    throw error;
  }
  const stamps = Object.fromEntries(inputs.map((input) => [input, stamp(join(root, input))]));
  // A source saved during the build may be in it or not: the next run builds again.
  if (Object.values(stamps).every(([, mtimeMs]) => mtimeMs < started)) {
    const temp = `${manifest}.${process.pid}`;
    writeFileSync(temp, JSON.stringify({ out: out.slice(cache.length + 1), inputs: stamps }));
    renameSync(temp, manifest);
  }
  return out;
}

/** The output directory the manifest names, if every file it was built from is as it was. */
function unchanged(root, manifest) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(manifest, 'utf8'));
  } catch {
    return undefined;
  }
  for (const [input, [size, mtimeMs]] of Object.entries(recorded.inputs)) {
    const [nowSize, nowMtime] = stamp(join(root, input));
    if (nowSize !== size || nowMtime !== mtimeMs) return undefined;
  }
  if (!existsSync(join(manifest, '..', recorded.out, 'package.json'))) return undefined;
  // Both marked as used now: a build superseded while a run still uses it is removed only once it
  // has gone unused for MAX_AGE_MS, whenever it was made.
  const now = new Date();
  utimesSync(manifest, now, now);
  utimesSync(join(manifest, '..', recorded.out), now, now);
  return recorded.out;
}

function stamp(path) {
  const found = statSync(path, { throwIfNoEntry: false });
  return found ? [found.size, found.mtimeMs] : [-1, -1];
}

/** Manifests unused for MAX_AGE_MS, and builds no manifest names (failed, superseded, or too old). */
function removeUnused(cache) {
  const named = new Set();
  for (const name of readdirSync(cache).filter((n) => n.endsWith('.json'))) {
    const path = join(cache, name);
    try {
      if (statSync(path).mtimeMs < Date.now() - MAX_AGE_MS) rmSync(path, { force: true });
      else named.add(JSON.parse(readFileSync(path, 'utf8')).out);
    } catch {
      // another run's manifest being replaced: left for later
    }
  }
  for (const name of readdirSync(cache).filter((n) => n.startsWith('build-'))) {
    const path = join(cache, name);
    if (!named.has(name) && statSync(path).mtimeMs < Date.now() - MAX_AGE_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** The checkout's source files (outside node_modules, dist and dot folders) that mention import.meta. */
function sourcesUsingMeta(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.') ? [] : sourcesUsingMeta(path);
    return /\.(ts|tsx|mjs)$/.test(entry.name) && readFileSync(path, 'utf8').includes('import.meta.') ? [path] : [];
  });
}

/** The module at `path`'s own import.meta (see `define` below): its source's URL, file and folder,
 * and `resolve` from there — `mssql` as the sources get it, a package as from the chunk (the same
 * node_modules), a path from the source. */
function ownMetaOf(path, mssql) {
  const url = JSON.stringify(pathToFileURL(path).href);
  return [
    `const __mbMetaUrl = ${url}, __mbMetaFilename = ${JSON.stringify(path)}, __mbMetaDirname = ${JSON.stringify(dirname(path))};`,
    `const __mbMetaResolve = (specifier) => specifier === 'mssql' ? ${JSON.stringify(mssql)} : /^\\.{0,2}\\//.test(specifier) ? new URL(specifier, ${url}).href : __mbResolve(specifier);`,
  ].join(' ');
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Bundles `entries` into `out`; returns the source files it read (paths from `root`). */
async function build(esbuild, root, entries, mssql, out) {
  // Under node_modules no package.json above says the chunks are ES modules.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  // Only the modules that use import.meta pass through the plugin's onLoad: each one that does is a
  // round trip between esbuild and this process (all of them: ~1 s more CPU).
  const usingMeta = sourcesUsingMeta(root);
  const ownMeta = {
    name: 'own-import-meta',
    setup(b) {
      // Not a package's import of mssql: those stay the package's.
      b.onResolve({ filter: /^mssql$/ }, (args) => (args.importer.includes('/node_modules/') ? undefined : { path: fileURLToPath(mssql), external: true }));
      b.onLoad({ filter: new RegExp(`^(${usingMeta.map(escape).join('|')})$`) }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const loader = args.path.endsWith('.tsx') ? 'tsx' : args.path.endsWith('.mjs') ? 'js' : 'ts';
        // On the first line, so the source map's lines stay the file's (what a module does not use is
        // left out of the bundle).
        return { contents: `${ownMetaOf(args.path, mssql)} ${source}`, loader };
      });
    },
  };
  const uvu = {
    name: 'uvu-inlined',
    setup(b) {
      b.onResolve({ filter: /^uvu(\/[a-z]+)?$/ }, (args) => ({ path: fileURLToPath(import.meta.resolve(args.path)) }));
      b.onLoad({ filter: UVU_RUNNER }, (args) => ({ contents: reportingBeforeHooks(readFileSync(args.path, 'utf8')), loader: 'js' }));
    },
  };
  const result = await esbuild.build({
    entryPoints: entries,
    outdir: out,
    outbase: root,
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    sourcesContent: false,
    define: {
      'import.meta.url': '__mbMetaUrl',
      'import.meta.filename': '__mbMetaFilename',
      'import.meta.dirname': '__mbMetaDirname',
      'import.meta.resolve': '__mbMetaResolve',
    },
    plugins: [ownMeta, uvu],
    // Not read by esbuild: `import.meta` here is the chunk's.
    banner: {
      js: "import { createRequire as __mbCreateRequire } from 'node:module'; const require = __mbCreateRequire(import.meta.url); const __mbResolve = (specifier) => import.meta.resolve(specifier);",
    },
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/') || input.includes('node_modules/uvu/'));
}
