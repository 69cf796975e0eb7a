// mssql for the test processes as one ES module (used by test/helpers/ts-hooks.mjs and test-bundle.mjs): loaded from
// node_modules, mssql is ~200 CommonJS files (tedious, @azure/identity with MSAL, jsonwebtoken …)
// found through thousands of stat calls and each file's source map read, ~0.3 s of CPU for every
// test process that connects. The file is bundled as the shipped CLI bundles mssql
// (scripts/bundle-options.mjs: @azure/identity shimmed out, SQL logins only, @js-joda/core shimmed,
// iconv-lite's tables in files beside it), once per state of the lock file, esbuild, those options
// and the shim, into a directory of node_modules/.cache/mirrorbook-mssql. Every import of `mssql`
// in a test process gets this one module, so its classes (sql.RequestError …) are one copy.
// Its only export is the default one (`import sql from 'mssql'`), the only form the sources use.
// Like the CLI's, it loads mssql from a CommonJS file beside it with V8's code cache
// (cli/package-code-cache.ts): every test process that connects compiles tedious once per machine.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_OPTION_FILES, cliBundleOptions } from '../../scripts/bundle-options.mjs';

const ENTRY = 'mssql.mjs';

/** The bundle's file URL, built first when this state of the dependencies has none. */
export async function mssqlBundleUrl(root) {
  const require = createRequire(join(root, 'package.json'));
  const hash = createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .update(readFileSync(require.resolve('esbuild/package.json')))
    .update(readFileSync(new URL(import.meta.url)));
  for (const file of BUNDLE_OPTION_FILES) hash.update(readFileSync(file));
  const key = hash.digest('hex').slice(0, 16);
  const cache = join(root, 'node_modules', '.cache', 'mirrorbook-mssql');
  const dir = join(cache, key);
  if (!existsSync(join(dir, ENTRY))) await build(require, cache, key);
  return pathToFileURL(join(dir, ENTRY)).href;
}

/** Built in a directory of its own and renamed into place whole: processes building at once each
 * make the same one, the first rename wins, and none reads half of one. Bundles of earlier
 * dependencies are removed. */
async function build(require, cache, key) {
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, 'building-'));
  try {
    const { build: bundle } = require('esbuild');
    const { entryPoints: _none, outdir: _beside, ...options } = cliBundleOptions({}, staging);
    await bundle({
      ...options,
      stdin: { contents: "export { default } from 'mssql';", resolveDir: dirname(require.resolve('./package.json')), sourcefile: ENTRY },
      outfile: join(staging, ENTRY),
      splitting: false,
      logLevel: 'error',
    });
    for (const name of readdirSync(cache)) if (name !== key && !name.startsWith('building-')) rmSync(join(cache, name), { recursive: true, force: true });
    try {
      renameSync(staging, join(cache, key));
    } catch (error) {
      if (!existsSync(join(cache, key, ENTRY))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
