// Runs several in-process test files in one process, as uvu's own CLI does: each file's suites
// are queued under its name, then run in order with one summary. test/run.mjs sends here the files
// that start no process and touch no process-wide state (see isInProcess there): each would
// otherwise pay a node start of its own. With `--from DIR`, each file runs from the test bundle in
// DIR (test/helpers/test-bundle.mjs: x.test.ts as DIR/x.test.js), whose files share its chunks —
// and so does this runner, run as DIR/test/helpers/unit-batch.js: the files queue their suites in
// the copy of uvu that runs them (the bundle's, with its `before` hook rewrite).
// Usage: node --import ./test/helpers/ts-loader.mjs test/helpers/unit-batch.mjs <file> …
//        node --enable-source-maps DIR/test/helpers/unit-batch.js --from DIR <file> …
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
const { exec } = await import('uvu');
const bundle = process.argv[2] === '--from' ? process.argv[3] : undefined;
const files = process.argv.slice(bundle ? 4 : 2);
for (const [index, file] of files.entries()) {
  globalThis.UVU_INDEX = index;
  globalThis.UVU_QUEUE.push([file]);
  await import(pathToFileURL(bundle ? join(bundle, file.replace(/\.tsx?$/, '.js')) : resolve(file)).href);
}
await exec();
