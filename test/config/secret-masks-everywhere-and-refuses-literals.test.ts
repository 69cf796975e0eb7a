import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, resolveSecret } from '../../config/secret.js';
import { UsageError } from '../../cli/command.js';

const dir = mkdtempSync(join(tmpdir(), 'mb-secret-'));
const sources = { baseDir: dir, env: { MB_PW: 'S3cret!pw' } as NodeJS.ProcessEnv };

test('a secret renders masked in strings, JSON and inspect', () => {
  const s = new Secret('hunter2-Value', 'env:X');
  assert.is(`${s}`, '****');
  assert.is(String(s), '****');
  assert.is(JSON.stringify({ s }), '{"s":"****"}');
  assert.not.ok(inspect({ nested: { s } }).includes('hunter2'));
  assert.is(s.reveal(), 'hunter2-Value');
});

test('env: reads the environment', () => {
  assert.is(resolveSecret('env:MB_PW', 'secrets.x', sources).reveal(), 'S3cret!pw');
});

test('file: reads relative to the config and trims one trailing newline', () => {
  writeFileSync(join(dir, 'pw.txt'), 'FromFile#1\n');
  assert.is(resolveSecret('file:pw.txt', 'secrets.x', sources).reveal(), 'FromFile#1');
});

test('missing env, unreadable or empty file name the field', () => {
  writeFileSync(join(dir, 'empty.txt'), '\n');
  for (const raw of ['env:NOPE_NOT_SET', 'file:missing.txt', 'file:empty.txt']) {
    try {
      resolveSecret(raw, 'pair.mirror.password', sources);
      assert.unreachable('should throw');
    } catch (e) {
      assert.instance(e, UsageError);
      assert.ok((e as Error).message.startsWith('pair.mirror.password:'), (e as Error).message);
    }
  }
});

test('a literal secret is refused with both accepted forms', () => {
  try {
    resolveSecret('Patriot12##', 'secrets.masterKeyPassword', sources);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, UsageError);
    assert.is((e as UsageError).exitCode, 2);
    assert.ok((e as UsageError).hint?.includes('env:NAME'));
    assert.ok((e as UsageError).hint?.includes('file:PATH'));
    assert.not.ok((e as Error).message.includes('Patriot12##'));
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
