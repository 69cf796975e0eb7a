// Bundles the CLI into dist/ so `npm start` and the `bin` run plain JavaScript (no tsx at run time).
// ink/react/xstate and mssql/tedious are inlined (no module resolution through node_modules at start;
// each lands in a chunk loaded only by the commands that use it); the native better-sqlite3 and
// prom-client (monitor --listen only) stay external. Chunks of earlier builds are removed.
// dist/store-worker.js is the worker thread `audit verify` starts on a large store (store/beside.ts).
// tedious loads @azure/identity (with MSAL, ~1.2 MB of the 3.2 MB mssql chunk) for Azure AD logins,
// which mirrorbook's config cannot ask for (SQL logins only): a stub takes its place, so every
// command that connects parses and compiles a third less before its first statement.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const stub = 'dist/react-devtools-core-stub.js';
const azureStub = 'dist/azure-identity-stub.js';
mkdirSync('dist', { recursive: true });
writeFileSync(stub, 'export default {};\n');
writeFileSync(
  azureStub,
  ['DefaultAzureCredential', 'ManagedIdentityCredential', 'ClientSecretCredential', 'UsernamePasswordCredential']
    .map((name) => `export class ${name} { constructor() { throw new Error('${name}: Azure AD logins are not part of mirrorbook (config: SQL logins)'); } }\n`)
    .join(''),
);

const result = await build({
  entryPoints: { cli: 'cli/main.ts', 'lab-process': 'lab/process.ts', 'store-worker': 'store/store-worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['better-sqlite3', 'prom-client'],
  metafile: true,
  alias: { 'react-devtools-core': './' + stub, '@azure/identity': './' + azureStub },
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __mbCreateRequire } from 'node:module'; const require = __mbCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
const made = new Set(Object.keys(result.metafile.outputs).map((path) => basename(path)));
made.add(basename(stub));
made.add(basename(azureStub));
for (const name of readdirSync('dist')) if (!made.has(name)) rmSync(`dist/${name}`, { force: true });
