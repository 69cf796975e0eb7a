// How the CLI is bundled, shared by `npm run build` (scripts/build.mjs) and the test bundles that
// add a procedure source to it (test/proof/crash-bundle.ts), so a test's CLI process starts and
// loads exactly as the shipped one does.
// ink/react are inlined (no module resolution through node_modules at start; they land in a chunk
// loaded only by the commands that draw on a terminal); mssql with tedious, yaml and xstate are built
// beside the chunks (below); the native better-sqlite3 and prom-client (monitor --listen only) stay
// external.
// tedious loads @azure/identity (with MSAL, ~1.2 MB of the 3.2 MB it made of mssql) for Azure AD
// logins, which mirrorbook's config cannot ask for (SQL logins only): a shim takes its place, so
// every command that connects parses and compiles a third less before its first statement.
// tedious keeps its packet buffers in a `bl` BufferListStream, used only as a list of buffers
// (append, slice, consume, length): bl's plain BufferList does all of that without the Duplex
// stream on top, which drags in readable-stream 4 (~0.14 MB with its dependencies).
// tedious counts a date parameter's days with @js-joda/core (0.3 MB of mssql's, ~20 ms of CPU to
// load): scripts/shims/js-joda-core.cjs counts them as js-joda does (2 KB).
// iconv-lite's code-page tables (Chinese, Japanese, Korean; 0.45 MB as inlined JavaScript) are
// required only when a column in such a collation is decoded: they are copied beside the chunks and
// read then, not parsed by every process that connects.
// The packages themselves (mssql with all of the above, yaml, xstate) are not chunks: each is a
// CommonJS file of its own beside them (vendor-<package>-<hash>.cjs), which the chunks load through
// cli/package-code-cache.ts with V8's code cache (Node 20 keeps none for ES modules). Where the
// product imports one of them, it gets a module that loads that file and re-exports its names.
// Whitespace and syntax are minified (a fifth less to read and parse), identifiers are not: stack
// traces and error names stay readable, and `sourcemap` maps them back where a build asks for one.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the CLI is made of, paths from the repo root: the command line and the worker thread
 * `audit verify` starts on a large store (store/beside.ts finds it beside the chunks). */
export const CLI_ENTRY_POINTS = { cli: 'cli/main.ts', 'store-worker': 'store/store-worker.ts' };

/** The module bundled in @js-joda/core's place. */
export const JS_JODA_SHIM = fileURLToPath(new URL('./shims/js-joda-core.cjs', import.meta.url));
/** What stands in for the packages mirrorbook never uses: fixed files, so a package's bundle is the
 * same bytes whichever directory a build writes to (and its code cache, named by them, is shared). */
const SHIMS = {
  reactDevtools: fileURLToPath(new URL('./shims/react-devtools-core.mjs', import.meta.url)),
  azureIdentity: fileURLToPath(new URL('./shims/azure-identity.mjs', import.meta.url)),
};
/** The module that loads a vendor package with its code cache. */
const PACKAGE_LOADER = fileURLToPath(new URL('../cli/package-code-cache.ts', import.meta.url));
/** What a bundle is made of beyond the entry points and node_modules: these options, the shims and
 * the loader (a cache of bundles keys on their contents: test/helpers/mssql-bundle.mjs). */
export const BUNDLE_OPTION_FILES = [
  fileURLToPath(import.meta.url),
  JS_JODA_SHIM,
  ...Object.values(SHIMS),
  PACKAGE_LOADER,
  fileURLToPath(new URL('../cli/code-cache-dir.ts', import.meta.url)),
];

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The packages built as files of their own and loaded with a code cache. */
const VENDOR_PACKAGES = ['mssql', 'yaml', 'xstate'];

/** esbuild options for `entryPoints` bundled into `outdir`. */
export function cliBundleOptions(entryPoints, outdir) {
  const shared = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    alias: { 'react-devtools-core': SHIMS.reactDevtools, '@azure/identity': SHIMS.azureIdentity, '@js-joda/core': JS_JODA_SHIM },
    define: { 'process.env.NODE_ENV': '"production"' },
    minifyWhitespace: true,
    minifySyntax: true,
  };
  return {
    ...shared,
    entryPoints,
    outdir,
    splitting: true,
    format: 'esm',
    external: ['better-sqlite3', 'prom-client'],
    plugins: [vendorPackages({ ...shared, plugins: [iconvTablesBeside, tediousBufferList] })],
    banner: { js: "import { createRequire as __mbCreateRequire } from 'node:module'; const require = __mbCreateRequire(import.meta.url);" },
  };
}

/** The files the vendor packages were built into, by output directory (`npm run build` keeps them). */
const vendorFiles = new Map();
export const vendorFilesIn = (outdir) => [...(vendorFiles.get(resolve(outdir)) ?? [])];

/** Builds each of VENDOR_PACKAGES into a CommonJS file beside the output (once per build) and answers
 * the product's imports of it with a module that loads that file and re-exports its names. */
function vendorPackages(options) {
  return {
    name: 'vendor-packages',
    setup(build) {
      const outdir = resolve(build.initialOptions.outdir ?? dirname(build.initialOptions.outfile));
      let built;
      build.onStart(() => {
        built = new Map();
        vendorFiles.set(outdir, new Set());
      });
      const packages = new RegExp(`^(${VENDOR_PACKAGES.join('|')})$`);
      // The product's imports (and a test bundle's), not a package's: inside a checkout that is itself
      // in a node_modules folder too.
      const inPackage = (importer) => relative(REPO_ROOT, importer).split(/[\\/]/).includes('node_modules');
      build.onResolve({ filter: packages }, (args) => (inPackage(args.importer) ? undefined : { path: args.path, namespace: 'vendor-package' }));
      build.onLoad({ filter: /.*/, namespace: 'vendor-package' }, async (args) => {
        if (!built.has(args.path)) built.set(args.path, buildVendor(build.esbuild, args.path, outdir, options));
        const { file, names } = await built.get(args.path);
        return {
          resolveDir: REPO_ROOT,
          contents: [
            "import { fileURLToPath } from 'node:url';",
            `import { loadPackage } from ${JSON.stringify(PACKAGE_LOADER)};`,
            `const m = loadPackage(fileURLToPath(new URL(${JSON.stringify(`./${file}`)}, import.meta.url)));`,
            'export default m;',
            names.length ? `export const { ${names.join(', ')} } = m;` : '',
          ].join('\n'),
        };
      });
    },
  };
}

/** `name` as one CommonJS file in `outdir` named by a hash of its content, written with the files it
 * reads beside it (iconv-lite's tables), and the names it exports, read off the package itself. */
async function buildVendor(esbuild, name, outdir, options) {
  const result = await esbuild.build({
    ...options,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: REPO_ROOT, sourcefile: `vendor-${name}.cjs` },
    absWorkingDir: REPO_ROOT,
    format: 'cjs',
    outdir,
    write: false,
    logLevel: 'error',
  });
  let file;
  for (const output of result.outputFiles) {
    const isEntry = basename(output.path) === 'stdin.js';
    if (isEntry) assertNoDynamicImport(`vendor-${name}`, output.text);
    const path = isEntry ? join(outdir, hashedName(`vendor-${name}`, output.contents)) : output.path;
    writeFileSync(path, output.contents);
    vendorFiles.get(outdir).add(basename(path));
    if (isEntry) file = path;
  }
  const names = Object.keys(createRequire(file)(file)).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default');
  return { file: basename(file), names };
}

/** iconv-lite's `require("./tables/….json")` (inside functions, on first use of a code page) reads a
 * copy in the output directory instead of a copy inlined into mssql's file. */
const iconvTablesBeside = {
  name: 'iconv-tables-beside',
  setup(build) {
    build.onLoad({ filter: /[\\/]iconv-lite[\\/]encodings[\\/]tables[\\/][^\\/]+\.json$/ }, (args) => ({ contents: readFileSync(args.path), loader: 'copy' }));
  },
};

/** tedious's `require("bl")` gets bl's BufferList (the same version, beside the bl.js it replaces). */
const tediousBufferList = {
  name: 'tedious-buffer-list',
  setup(build) {
    build.onResolve({ filter: /^bl$/ }, async (args) => {
      if (args.pluginData === 'as-is' || !/[\\/]tedious[\\/]lib[\\/]/.test(args.importer)) return undefined;
      const stream = await build.resolve('bl', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'as-is' });
      return { path: resolve(stream.path, '..', 'BufferList.js') };
    });
  },
};

/** `<base>-<hash of contents>.cjs`: a file loaded with a code cache is named by what it holds
 * (cli/package-code-cache.ts keys the cache on the name). */
export function hashedName(base, contents) {
  return `${base}-${createHash('sha256').update(contents).digest('hex').slice(0, 12)}.cjs`;
}

/** A CommonJS entry that runs `file` (beside it) through the code-cache loader. */
export function codeCachedEntry(file) {
  return `require(${JSON.stringify(PACKAGE_LOADER)}).loadPackage(require('node:path').join(__dirname, ${JSON.stringify(file)}));\n`;
}

/** node:vm runs a file with no loader for import(): a package that needs one is refused at build time. */
export function assertNoDynamicImport(name, text) {
  if (/\bimport\(/.test(text)) throw new Error(`${name} calls import(), which a file loaded through node:vm cannot (cli/package-code-cache.ts)`);
}
