// Bundles the CLI into dist/ so `npm start` and the `bin` run plain JavaScript (no tsx at run time).
// ink/react/xstate are inlined (faster cold start); native and heavy packages stay external and load lazily.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

const stub = 'dist/react-devtools-core-stub.js';
mkdirSync('dist', { recursive: true });
writeFileSync(stub, 'export default {};\n');

await build({
  entryPoints: { cli: 'cli/main.ts', 'lab-process': 'lab/process.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['better-sqlite3', 'mssql', 'tedious', 'yaml', 'prom-client'],
  alias: { 'react-devtools-core': './' + stub },
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __mbCreateRequire } from 'node:module'; const require = __mbCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
