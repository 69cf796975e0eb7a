import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSecret } from '../../config/secret.js';
import { loadConfig } from '../../config/load.js';
import { Issues, list, str } from '../../config/schema.js';
import { UsageError } from '../../errors/operator-error.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-bounded-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function refusal(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, UsageError);
    assert.is((error as UsageError).exitCode, 2);
    return error as UsageError;
  }
  throw new Error('not refused');
}

const sources = { baseDir: dir, env: {} };

test('file:/dev/zero, a FIFO and a directory are refused before any read, naming the path', () => {
  assert.match(refusal(() => resolveSecret('file:/dev/zero', 'secrets.masterKeyPassword', sources)).message, 'secrets.masterKeyPassword: cannot read secret file /dev/zero: it is a character device, not a regular file');
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  assert.match(refusal(() => resolveSecret(`file:${fifo}`, 'secrets.masterKeyPassword', sources)).message, `${fifo}: it is a FIFO`);
  assert.match(refusal(() => resolveSecret(`file:${dir}`, 'secrets.masterKeyPassword', sources)).message, 'it is a directory');
});

test('a secret file over 64 KiB and a config file over 1 MiB are refused with their size', () => {
  const big = join(dir, 'big.password');
  writeFileSync(big, 'x'.repeat(64 * 1024 + 1));
  assert.match(refusal(() => resolveSecret(`file:${big}`, 'secrets.masterKeyPassword', sources)).message, `${big}: it is 65537 bytes, more than the 65536 allowed`);
  const config = join(dir, 'mirrorbook.yaml');
  writeFileSync(config, `# ${'y'.repeat(1024 * 1024)}\n`);
  assert.match(refusal(() => loadConfig(config, { env: {} })).message, `cannot read config file ${config}: it is 1048579 bytes`);
});

test('a huge value is echoed cut to a readable length; lists are bounded', () => {
  const issues = new Issues();
  str('z'.repeat(50_000), 'pair.principal.login', issues, { pattern: /^[a-z]{1,128}$/, allowed: 'a login name' });
  assert.is(issues.list.length, 1);
  assert.ok(issues.list[0]!.message.length < 200, issues.list[0]!.message.slice(0, 300));
  assert.match(issues.list[0]!.message, '(50000 characters)');
  assert.is(list(Array.from({ length: 101 }, (_, i) => `Db${i}`), 'databases', issues), undefined);
  assert.match(issues.list[1]!.message, '101 entries; at most 100 are allowed');
});

test.run();
