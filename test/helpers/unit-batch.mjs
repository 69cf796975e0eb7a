// Runs several in-process test files in one process, as uvu's own CLI does: each file's suites
// are queued under its name, then run in order with one summary. test/run.mjs sends here the files
// that start no process and touch no process-wide state (see isInProcess there): each would
// otherwise pay a node start of its own.
// Usage: node --import ./test/helpers/ts-loader.mjs test/helpers/unit-batch.mjs <file> …
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
const { exec } = await import('uvu');
const files = process.argv.slice(2);
for (const [index, file] of files.entries()) {
  globalThis.UVU_INDEX = index;
  globalThis.UVU_QUEUE.push([file]);
  await import(pathToFileURL(resolve(file)).href);
}
await exec();
