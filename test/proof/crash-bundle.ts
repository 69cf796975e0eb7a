// The CLI and a procedure source (MIRRORBOOK_RUNBOOKS: the crash source by default, or a test
// fixture) bundled together (as scripts/build.mjs bundles the CLI): shared code lands in shared
// chunks, so the source and the CLI use one copy of every class (instanceof on EngineRefusal,
// SqlStatementError … holds), and each killed process starts as fast as dist/ instead of through tsx.
// Written under node_modules/.cache so the external packages resolve from the repo's node_modules.

import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/lab.js';

export interface CrashBundle {
  cli: string;
  source: string;
  remove(): void;
}

export async function buildCrashBundle(source = 'test/proof/crash-source.ts'): Promise<CrashBundle> {
  const cache = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  // A test process killed before its cleanup leaves its bundle behind; an hour later it is garbage.
  for (const old of readdirSync(cache).filter((name) => name.startsWith('mirrorbook-crash-'))) {
    if (statSync(join(cache, old)).mtimeMs < Date.now() - 3_600_000) rmSync(join(cache, old), { recursive: true, force: true });
  }
  const outdir = mkdtempSync(join(cache, 'mirrorbook-crash-'));
  const stub = join(outdir, 'react-devtools-core-stub.js');
  writeFileSync(stub, 'export default {};\n');
  await build({
    entryPoints: { cli: join(REPO_ROOT, 'cli/main.ts'), 'procedure-source': join(REPO_ROOT, source) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', 'mssql', 'tedious', 'yaml'],
    alias: { 'react-devtools-core': stub },
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: "import { createRequire as __mbCreateRequire } from 'node:module'; const require = __mbCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return { cli: join(outdir, 'cli.js'), source: join(outdir, 'procedure-source.js'), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
