// The CLI and a procedure source (MIRRORBOOK_RUNBOOKS: the crash source by default, or a test
// fixture) bundled together, with the options `npm run build` bundles the CLI with
// (scripts/bundle-options.mjs): shared code lands in shared chunks, so the source and the CLI use one
// copy of every class (instanceof on EngineRefusal, SqlStatementError … holds), and each killed
// process starts and loads what the shipped CLI does (mssql with tedious, yaml and xstate from their
// files beside the chunks, with their code cache) instead of resolving and compiling them from
// node_modules.
// Built once per state of the sources for the whole suite (test/helpers/built-once.ts), under
// node_modules/.cache so better-sqlite3 resolves from the repo's node_modules.

import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/lab.js';
import { builtOnce } from '../helpers/built-once.js';
import { PRODUCT_SOURCES } from '../helpers/fresh-bundle.js';
import { CLI_ENTRY_POINTS, cliBundleOptions } from '../../scripts/bundle-options.mjs';

export interface CrashBundle {
  cli: string;
  source: string;
}

/** What the test side of a bundle may import (the procedure sources and their helpers) and what
 * the options bundle beyond node_modules. */
const TEST_SOURCES = ['test/proof', 'test/fixtures/runbooks', 'test/helpers', 'scripts/bundle-options.mjs', 'scripts/shims'];

export async function buildCrashBundle(source = 'test/proof/crash-source.ts'): Promise<CrashBundle> {
  // The entry is part of the key: one bundle per procedure source.
  const dir = await builtOnce(join(REPO_ROOT, 'node_modules', '.cache', 'mirrorbook-crash'), [source, ...PRODUCT_SOURCES, ...TEST_SOURCES], async (outdir) => {
    // ES modules, said where Node looks (as the repo's package.json says it for dist/): under
    // node_modules no package.json above says so, and Node would read every chunk twice to guess.
    writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n');
    await build({
      ...cliBundleOptions({ ...CLI_ENTRY_POINTS, 'procedure-source': source }, outdir),
      absWorkingDir: REPO_ROOT,
      logLevel: 'error',
    });
  });
  return { cli: join(dir, 'cli.js'), source: join(dir, 'procedure-source.js') };
}
