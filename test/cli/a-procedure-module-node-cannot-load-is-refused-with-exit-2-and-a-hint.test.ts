// MIRRORBOOK_RUNBOOKS naming a module node cannot load — TypeScript, where no loader runs it: the
// shipped CLI, a test run from the test bundle (test/run.mjs) — is refused with exit 2, node's reason
// and what to give instead, not an internal error; so is a path that is not there. A .tsx file: no
// node version runs one by itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess } from '../helpers/lab.js';

test('a TypeScript procedure module: refused with exit 2, the file named and a hint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-procedures-'));
  try {
    const module = join(dir, 'procedures.tsx');
    writeFileSync(module, 'export const names = (): string[] => [];\n');
    const { code, stderr } = await runCliProcess(['plan', 'setup', '--config', join(dir, 'none.yaml'), '--store', join(dir, 'state.db')], {
      MIRRORBOOK_RUNBOOKS: module,
    });
    assert.is(code, 2, stderr);
    assert.match(stderr, `MIRRORBOOK_RUNBOOKS=${module} is not a module node can load here`);
    assert.match(stderr, /hint: name a JavaScript module/);
    assert.not.match(stderr, /internal error/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a procedure module that is not there: refused with exit 2, the path named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-procedures-'));
  try {
    const module = join(dir, 'missing.mjs');
    const { code, stderr } = await runCliProcess(['plan', 'setup', '--config', join(dir, 'none.yaml'), '--store', join(dir, 'state.db')], {
      MIRRORBOOK_RUNBOOKS: module,
    });
    assert.is(code, 2, stderr);
    assert.match(stderr, `MIRRORBOOK_RUNBOOKS=${module} is not a module node can load here`);
    assert.not.match(stderr, /internal error/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
