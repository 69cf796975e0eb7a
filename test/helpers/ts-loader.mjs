// Runs the TypeScript sources (tests, product) in a test process without tsx: tsx costs a test
// process ~0.5 s of CPU before its first line (its own code, loaded in both the main and the hooks
// thread), more than most files' tests. These hooks only map an import of `x.js` to `x.ts`/`x.tsx`
// when no `x.js` exists (the NodeNext convention the sources follow) and hand Node the file's
// JavaScript: esbuild's transform of it, kept in node_modules/.cache/mirrorbook-ts keyed by the
// file's path, size and mtime (and esbuild's version and tsconfig.json), so a file is transformed
// once until it changes. A module keeps its own URL (import.meta.url is the .ts file's), and stack
// traces point into the .ts through the inline source maps. Processes the tests spawn with `--import tsx` keep using tsx.
// They also give the sources' `mssql` as one bundled file (test/helpers/mssql-bundle.mjs).
// test/run.mjs runs the test files themselves from a bundle of them (test/helpers/test-bundle.mjs)
// with no module hooks at all (their thread costs a process ~80 ms of CPU): what runs the sources
// through these hooks is a process a test starts from them (the engine and tmux tests' CLI,
// test/store/support.ts) and every test file under MIRRORBOOK_TEST_BUNDLE=0.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-hooks.mjs', import.meta.url);
