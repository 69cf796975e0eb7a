// Bundles the CLI into dist/ so `npm start` and the `bin` run plain JavaScript (no tsx at run time):
// what the CLI is made of and the options are in scripts/bundle-options.mjs; the lab process is
// bundled alongside, and so is the command line as a function (dispatch, with its signal owner),
// which the tests run in their own process as it ships (test/helpers/cli-in-process.ts). Chunks of
// earlier builds are removed.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { CLI_ENTRY_POINTS, cliBundleOptions, STUB_FILES } from './bundle-options.mjs';

mkdirSync('dist', { recursive: true });
const result = await build({
  ...cliBundleOptions({ ...CLI_ENTRY_POINTS, 'lab-process': 'lab/process.ts', dispatch: 'cli/dispatch.ts', signals: 'cli/signals.ts' }, 'dist'),
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
const made = new Set([...Object.keys(result.metafile.outputs).map((path) => basename(path)), ...STUB_FILES]);
for (const name of readdirSync('dist')) if (!made.has(name)) rmSync(`dist/${name}`, { force: true });
