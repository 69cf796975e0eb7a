// The packages the CLI bundles are loaded through cli/package-code-cache.ts: the first load compiles
// and, at exit, keeps V8's code cache (whole files, the user's alone); a later load of the same file
// starts from it; a cache V8 refuses is compiled afresh and replaced; one another user could have
// written is not read; NODE_DISABLE_COMPILE_CACHE turns it off; a cache folder that cannot be
// written costs nothing but the cache; caches unchanged for 30 days are removed when one is written.
// The built CLI loads mssql, yaml and xstate that way: none of them is inlined into a chunk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { codeCacheUse, loadPackage, saveCodeCaches } from '../../cli/package-code-cache.js';
import { freshBundle } from '../helpers/fresh-bundle.js';
import { REPO_ROOT } from '../helpers/lab.js';

const NAME = 'vendor-demo-0123456789ab.cjs';
const SOURCE = `${Array.from({ length: 40 }, (_, i) => `function f${i}(n) { return n + ${i}; }`).join('\n')}
module.exports = { twice: (n) => f0(2 * n), dir: __dirname, sep: require('node:path').sep };
`;

let work: string;
let cacheDir: string;
test.before(() => {
  work = mkdtempSync(join(tmpdir(), 'mb-code-cache-'));
  cacheDir = join(work, 'cache');
});
test.after(() => rmSync(work, { recursive: true, force: true }));

/** The package file, as a copy of its own in `name`/ (each load is another file of the same name). */
function packageIn(name: string): string {
  mkdirSync(join(work, name));
  const file = join(work, name, NAME);
  writeFileSync(file, SOURCE);
  return file;
}

const cacheFile = (): string => join(cacheDir, readdirSync(cacheDir).find((n) => n.startsWith('vendor-demo-'))!);

test('compiled once, kept at exit as the user’s own file, loaded from the cache by the next process', () => {
  const first = packageIn('first');
  const loaded = loadPackage(first, { dir: cacheDir, env: {} }) as { twice(n: number): number; dir: string; sep: string };
  assert.is(loaded.twice(21), 42);
  assert.is(loaded.dir, join(work, 'first'), '__dirname is the file’s folder');
  assert.is(loaded.sep, '/', 'require resolves beside the file');
  assert.is(codeCacheUse(first), 'miss');
  assert.is(loadPackage(first, { dir: cacheDir, env: {} }), loaded, 'one copy per process');
  assert.not.ok(existsSync(cacheDir), 'nothing written before exit');

  saveCodeCaches();
  const file = cacheFile();
  assert.match(basename(file), /^vendor-demo-0123456789ab-[0-9a-f]+-[0-9a-f]{8}\.bin$/, 'named by the file, V8’s tag and the wrapper');
  assert.is(statSync(file).mode & 0o777, 0o600);
  assert.is(statSync(cacheDir).mode & 0o777, 0o700);

  const next = packageIn('next');
  assert.is((loadPackage(next, { dir: cacheDir, env: {} }) as { twice(n: number): number }).twice(1), 2);
  assert.is(codeCacheUse(next), 'hit');
});

test('a damaged cache is refused by V8, compiled afresh and replaced; caches unchanged for 30 days go', () => {
  writeFileSync(cacheFile(), Buffer.alloc(4096, 7));
  const gone = join(cacheDir, 'vendor-old-ba9876543210-v20.0.0-x64.bin');
  const kept = join(cacheDir, 'vendor-recent-ba9876543210-v20.0.0-x64.bin');
  writeFileSync(gone, 'a build long gone');
  writeFileSync(kept, 'a build of last week');
  const day = 24 * 3600;
  utimesSync(gone, Date.now() / 1000 - 31 * day, Date.now() / 1000 - 31 * day);
  utimesSync(kept, Date.now() / 1000 - 7 * day, Date.now() / 1000 - 7 * day);
  const damaged = packageIn('damaged');
  assert.is((loadPackage(damaged, { dir: cacheDir, env: {} }) as { twice(n: number): number }).twice(2), 4);
  assert.is(codeCacheUse(damaged), 'rejected');
  saveCodeCaches();
  assert.not.ok(existsSync(gone), 'a cache unchanged for 31 days is removed');
  assert.ok(existsSync(kept), 'one of last week is kept');
  const after = packageIn('after');
  loadPackage(after, { dir: cacheDir, env: {} });
  assert.is(codeCacheUse(after), 'hit');
});

test('a cache another user could have written is neither read nor replaced: a file others may write, a linked folder', () => {
  const file = cacheFile();
  const before = readFileSync(file);
  chmodSync(file, 0o666);
  const shared = packageIn('shared');
  assert.is((loadPackage(shared, { dir: cacheDir, env: {} }) as { twice(n: number): number }).twice(4), 8);
  assert.is(codeCacheUse(shared), 'untrusted');
  saveCodeCaches();
  assert.equal(readFileSync(file), before, 'left as it was');
  chmodSync(file, 0o600);
  const link = join(work, 'linked-cache');
  symlinkSync(cacheDir, link);
  const linked = packageIn('linked');
  loadPackage(linked, { dir: link, env: {} });
  assert.is(codeCacheUse(linked), 'untrusted');
});

test('NODE_DISABLE_COMPILE_CACHE turns it off: nothing read, nothing written', () => {
  rmSync(cacheDir, { recursive: true });
  const off = packageIn('off');
  assert.is((loadPackage(off, { dir: cacheDir, env: { NODE_DISABLE_COMPILE_CACHE: '1' } }) as { twice(n: number): number }).twice(3), 6);
  assert.is(codeCacheUse(off), 'off');
  saveCodeCaches();
  assert.not.ok(existsSync(cacheDir));
});

test('a cache folder that cannot be written leaves no temporary file and throws nothing', () => {
  const blocked = join(work, 'blocked');
  writeFileSync(blocked, 'a file where the folder would be');
  const file = packageIn('unwritable');
  loadPackage(file, { dir: join(blocked, 'cache'), env: {} });
  assert.is(codeCacheUse(file), 'miss');
  saveCodeCaches();
  assert.is(readFileSync(blocked, 'utf8'), 'a file where the folder would be');
});

test('the built CLI loads mssql, yaml and xstate from files of their own, not from its chunks', () => {
  if (!freshBundle(REPO_ROOT)) return;
  const dist = join(REPO_ROOT, 'dist');
  const names = readdirSync(dist);
  for (const name of ['mssql', 'yaml', 'xstate'])
    assert.is(names.filter((n) => new RegExp(`^vendor-${name}-\\w{12}\\.cjs$`).test(n)).length, 1, `dist/vendor-${name}-<hash>.cjs`);
  // What each one, inlined, would leave in a chunk: the module keys of CommonJS packages, a function of xstate's.
  for (const chunk of names.filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(join(dist, chunk), 'utf8');
    assert.not.ok(/"node_modules\/(tedious|mssql|yaml)\/|function createActor\(/.test(text), `${chunk} inlines none of them`);
  }
});

test.run();
