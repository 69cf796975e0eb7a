// `node --import ./test/engine/import-recorder.mjs …` appends every resolved module URL to the
// file named by MB_IMPORT_LOG: proof of what a command loads.
import { register } from 'node:module';

const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.MB_IMPORT_LOG) appendFileSync(process.env.MB_IMPORT_LOG, result.url + '\\n');
  return result;
}`;
register('data:text/javascript,' + encodeURIComponent(hook));
