// The hooks of test/helpers/ts-loader.mjs (they run in Node's hooks thread).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mssqlBundleUrl } from './mssql-bundle.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROOT_URL = pathToFileURL(ROOT).href;
const DIST_URL = `${ROOT_URL}dist/`;
const MAP_COMMENT = '\n//# sourceMappingURL=';
const CACHE = join(ROOT, 'node_modules', '.cache', 'mirrorbook-ts');
const TSCONFIG = readFileSync(join(ROOT, 'tsconfig.json'), 'utf8');
const require = createRequire(import.meta.url);
/** The transform's options. Its source map names the file without a copy of it (Node reads the file
 * when it shows an error's source line): smaller to read and parse for every module it loads. */
const TRANSFORM = { format: 'esm', target: 'node20', sourcemap: 'inline', sourcesContent: false, tsconfigRaw: TSCONFIG };
/** What else decides a transform: a new esbuild, tsconfig or options make every cached one stale. */
const SETTINGS = createHash('sha256')
  .update(JSON.stringify(TRANSFORM))
  .update(readFileSync(require.resolve('esbuild/package.json')))
  .digest('hex')
  .slice(0, 16);
let esbuild;
let mssql;
/** Whether the process runs a test from the test bundle (ts-loader.mjs). */
let bundled = false;

export function initialize(data) {
  bundled = data?.bundled === true;
}

/** `./x.js` written for `./x.ts` (or .tsx): the TypeScript file, when no JavaScript one exists.
 * `mssql` imported by the tests or the product's sources (not by a package): the one-file bundle. */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (specifier === 'mssql' && parent.startsWith('file:') && !parent.includes('/node_modules/')) {
    mssql ??= mssqlBundleUrl(ROOT);
    return { url: await mssql, format: 'module', shortCircuit: true };
  }
  const typescript = typescriptFor(specifier, parent);
  if (typescript) return { url: typescript, format: 'module', shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.endsWith('.js') || !/\.tsx?$/.test(parent)) throw error;
    for (const ext of ['.ts', '.tsx']) {
      try {
        return await nextResolve(specifier.slice(0, -3) + ext, context);
      } catch {
        // the next extension
      }
    }
    throw error;
  }
}

/** The TypeScript file a relative `./x.js` import in the checkout's TypeScript means, found by two or
 * three stat calls: the default resolver would first fail on `x.js`, and its failure costs more than
 * its success (an error, with hints found by CommonJS resolution). Else undefined: it decides. */
function typescriptFor(specifier, parent) {
  if (!specifier.startsWith('.') || !specifier.endsWith('.js') || !/\.tsx?$/.test(parent) || !parent.startsWith(ROOT_URL)) return undefined;
  const url = new URL(specifier, parent);
  if (url.search || url.hash || existsSync(url)) return undefined;
  for (const ext of ['.ts', '.tsx']) {
    const candidate = new URL(`${url.href.slice(0, -3)}${ext}`);
    if (existsSync(candidate)) return candidate.href;
  }
  return undefined;
}

export async function load(url, context, nextLoad) {
  if (url.startsWith(DIST_URL)) return withoutPackagesMap(url, await nextLoad(url, context));
  if (!url.startsWith('file:') || !/\.tsx?$/.test(url)) return nextLoad(url, context);
  if (bundled && url.startsWith(ROOT_URL) && !url.includes('/node_modules/'))
    throw new Error(
      `${relative(ROOT, fileURLToPath(url))} was loaded at run time by a test run from the test bundle (test/helpers/test-bundle.mjs), which holds its own copy of the modules this file would load again: import it statically from the test, or run the suite with MIRRORBOOK_TEST_BUNDLE=0`,
    );
  return { format: 'module', source: javascriptOf(fileURLToPath(url)), shortCircuit: true };
}

/** A chunk of the bundle (the CLI the tests run in their process) made only of packages' code —
 * mssql with tedious, yaml — without its source map: with source maps on, Node 20 reads and
 * parses each module's map as it loads it (the mssql chunk's is 3.8 MB, ~0.1 s of CPU), and a stack
 * frame inside a package needs no mapping. The product's chunks keep theirs. */
function withoutPackagesMap(url, loaded) {
  const source = loaded.source;
  if (!Buffer.isBuffer(source)) return loaded;
  const at = source.lastIndexOf(MAP_COMMENT);
  if (at < 0) return loaded;
  const map = new URL(source.toString('utf8', at + MAP_COMMENT.length).trim(), url);
  return onlyPackages(map) ? { ...loaded, source: source.subarray(0, at + 1) } : loaded;
}

/** Whether every source a map names is a package's (or a stub the build wrote beside the chunks,
 * scripts/bundle-options.mjs): read from the head of the map, where esbuild lists them first. */
function onlyPackages(map) {
  let fd;
  try {
    fd = openSync(map);
    const head = Buffer.alloc(128 * 1024);
    const list = /"sources":\s*(\[[^\]]*\])/.exec(head.toString('utf8', 0, readSync(fd, head)));
    const sources = list ? JSON.parse(list[1]) : [];
    return sources.length > 0 && sources.every((s) => s.includes('node_modules/') || !s.includes('/'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function javascriptOf(path) {
  const { size, mtimeMs } = statSync(path);
  const inside = relative(ROOT, path);
  // A file outside the checkout (a test's fixture in a temporary folder) is kept under a name of its own.
  const cached = join(CACHE, inside.startsWith('..') ? join('outside', createHash('sha256').update(path).digest('hex').slice(0, 32)) : inside) + '.js';
  // At the end, so the source map's lines stay the file's.
  const stamp = `\n//# ts-loader ${size} ${mtimeMs} ${SETTINGS}\n`;
  try {
    const text = readFileSync(cached, 'utf8');
    if (text.endsWith(stamp)) return text;
  } catch {
    // not transformed yet
  }
  esbuild ??= require('esbuild');
  const { code } = esbuild.transformSync(readFileSync(path, 'utf8'), { ...TRANSFORM, loader: path.endsWith('.tsx') ? 'tsx' : 'ts', sourcefile: path });
  const text = code + stamp;
  // Written beside and renamed: a process reading it meanwhile sees the old file or the new one.
  mkdirSync(dirname(cached), { recursive: true });
  const temp = `${cached}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, cached);
  return text;
}
