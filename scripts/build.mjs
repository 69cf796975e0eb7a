// Bundles the CLI into dist/ so `npm start` and the `bin` run plain JavaScript (no tsx at run time).
// ink/react/xstate and mssql/tedious are inlined (no module resolution through node_modules at start;
// each lands in a chunk loaded only by the commands that use it); the native better-sqlite3 and
// prom-client (monitor --listen only) stay external. Chunks of earlier builds are removed.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const stub = 'dist/react-devtools-core-stub.js';
mkdirSync('dist', { recursive: true });
writeFileSync(stub, 'export default {};\n');

const result = await build({
  entryPoints: { cli: 'cli/main.ts', 'lab-process': 'lab/process.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['better-sqlite3', 'prom-client'],
  metafile: true,
  alias: { 'react-devtools-core': './' + stub },
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __mbCreateRequire } from 'node:module'; const require = __mbCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
const made = new Set(Object.keys(result.metafile.outputs).map((path) => basename(path)));
made.add(basename(stub));
for (const name of readdirSync('dist')) if (!made.has(name)) rmSync(`dist/${name}`, { force: true });
