// The hooks of test/helpers/ts-loader.mjs (they run in Node's hooks thread).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mssqlBundleUrl } from './mssql-bundle.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROOT_URL = pathToFileURL(ROOT).href;
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

/** `./x.js` written for `./x.ts` (or .tsx): the TypeScript file, when no JavaScript one exists.
 * `mssql` imported by the tests or the product's sources (not by a package): the tests' mssql module (mssql-bundle.mjs). */
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
  if (!url.startsWith('file:') || !/\.tsx?$/.test(url)) return nextLoad(url, context);
  return { format: 'module', source: javascriptOf(fileURLToPath(url)), shortCircuit: true };
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
