// Bundles the CLI into dist/ so `npm start` and the `bin` run plain JavaScript (no tsx at run time):
// what the CLI is made of and the options are in scripts/bundle-options.mjs; the command line as a
// function (dispatch, with its signal owner) is bundled alongside, which the tests run in their own
// process as it ships (test/helpers/cli-in-process.ts). Chunks of earlier builds are removed.
// The lab process is bundled on its own as CommonJS: required, a built-in module is the module
// itself, where an ES import first builds a facade of it by reading every export — which loads what
// a lab never uses (fs.promises, crypto.webcrypto, the stream classes) — and an ES entry point starts
// node's module loader first: ~25 ms of CPU of every lab's start. Like the packages
// (scripts/bundle-options.mjs), it runs through the code-cache loader (cli/package-code-cache.ts).
// A chunk made only of what stands in for packages (scripts/shims) ships without a source
// map: with source maps on (`node --enable-source-maps`, every test process), Node reads and parses
// a module's map as it loads it, and a stack frame inside a package needs no mapping. The product's
// chunks keep theirs; the packages and the lab, loaded through node:vm, have none.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { assertNoDynamicImport, CLI_ENTRY_POINTS, cliBundleOptions, codeCachedEntry, hashedName, vendorFilesIn } from './bundle-options.mjs';

mkdirSync('dist', { recursive: true });
const result = await build({
  ...cliBundleOptions({ ...CLI_ENTRY_POINTS, dispatch: 'cli/dispatch.ts', signals: 'cli/signals.ts' }, 'dist'),
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const standsInForPackage = (input) => input.includes('node_modules/') || input.startsWith('scripts/shims/');
for (const [path, { inputs }] of Object.entries(result.metafile.outputs)) {
  if (!path.endsWith('.js') || !Object.keys(inputs).every(standsInForPackage)) continue;
  const code = readFileSync(path, 'utf8');
  const map = code.lastIndexOf('//# sourceMappingURL=');
  if (map >= 0) writeFileSync(path, code.slice(0, map));
  rmSync(`${path}.map`, { force: true });
  delete result.metafile.outputs[`${path}.map`];
}
chmodSync('dist/cli.js', 0o755);
// The lab: its code in a file named by its content, run through the code-cache loader (as the
// packages are), by a small dist/lab-process.cjs: a lab starts from its previous run's compiled code.
const labOptions = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minifyWhitespace: true, minifySyntax: true, logLevel: 'warning' };
const labBody = await build({ ...labOptions, entryPoints: ['lab/process.ts'], write: false, outdir: 'dist' });
assertNoDynamicImport('the lab', labBody.outputFiles[0].text);
const labFile = hashedName('lab-body', labBody.outputFiles[0].contents);
writeFileSync(`dist/${labFile}`, labBody.outputFiles[0].contents);
const lab = await build({
  ...labOptions,
  stdin: { contents: codeCachedEntry(labFile), resolveDir: '.', sourcefile: 'lab-process.cjs' },
  outfile: 'dist/lab-process.cjs',
  metafile: true,
});
const outputs = [...Object.keys(result.metafile.outputs), ...Object.keys(lab.metafile.outputs)];
const made = new Set([...outputs.map((path) => basename(path)), ...vendorFilesIn('dist'), labFile]);
for (const name of readdirSync('dist')) if (!made.has(name)) rmSync(`dist/${name}`, { force: true });
