import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSecret } from '../../config/secret.js';
import { loadConfig } from '../../config/load.js';
import { Issues, list, str } from '../../config/schema.js';
import { UsageError } from '../../errors/operator-error.js';
import { REPO_ROOT, cliCommand } from '../helpers/lab.js';

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
  assert.match(
    refusal(() => resolveSecret('file:/dev/zero', 'secrets.masterKeyPassword', sources)).message,
    'secrets.masterKeyPassword: cannot read secret file /dev/zero: it is a character device, not a regular file',
  );
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  assert.match(refusal(() => resolveSecret(`file:${fifo}`, 'secrets.masterKeyPassword', sources)).message, `${fifo}: it is a FIFO`);
  assert.match(refusal(() => resolveSecret(`file:${dir}`, 'secrets.masterKeyPassword', sources)).message, 'it is a directory');
});

test('a secret file over 64 KiB and a config file over 1 MiB are refused with their size', () => {
  const big = join(dir, 'big.password');
  writeFileSync(big, 'x'.repeat(64 * 1024 + 1));
  assert.match(
    refusal(() => resolveSecret(`file:${big}`, 'secrets.masterKeyPassword', sources)).message,
    `${big}: it is 65537 bytes, more than the 65536 allowed`,
  );
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
  assert.is(
    list(
      Array.from({ length: 101 }, (_, i) => `Db${i}`),
      'databases',
      issues,
    ),
    undefined,
  );
  assert.match(issues.list[1]!.message, '101 entries; at most 100 are allowed');
});

/** Runs the CLI; a command that hangs on a FIFO is killed by the guard and reported as such. */
function cli(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...cliCommand(), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Not a timing assertion: a hang is the failure being guarded against, and it must end the test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      done({ code, signal, stderr });
    });
  });
}

test('the CLI given a FIFO with no writer — as config, as a secret, as audit.key — exits 2 naming it instead of waiting', async () => {
  const fifo = join(dir, 'no-writer');
  execFileSync('mkfifo', [fifo]);
  const asConfig = await cli(['plan', 'setup', '--offline', '--config', fifo]);
  assert.equal([asConfig.code, asConfig.signal], [2, null], asConfig.stderr);
  assert.match(asConfig.stderr, `cannot read config file ${fifo}: it is a FIFO, not a regular file`);
  const config = join(dir, 'fifo-secret.yaml');
  writeFileSync(
    config,
    `pair:\n  principal: { server: localhost, port: 1433, instance: SQLPRI01, login: mirrorbook, password: 'file:${fifo}', mirroringAddress: 'TCP://sqlpri01:5022' }\n  mirror: { server: localhost, port: 1434, instance: SQLMIR01, login: mirrorbook, password: 'env:MB_PW', mirroringAddress: 'TCP://sqlmir01:5022' }\ndatabases: [Patriot]\naudit:\n  key: 'file:${fifo}'\n`,
  );
  const asSecret = await cli(['plan', 'setup', '--offline', '--config', config]);
  assert.equal([asSecret.code, asSecret.signal], [2, null], asSecret.stderr);
  assert.match(asSecret.stderr, `pair.principal.password: cannot read secret file ${fifo}: it is a FIFO`);
  const asKey = await cli(['audit', 'verify', '--local', '--config', config, '--store', join(dir, 'none.db')]);
  assert.equal([asKey.code, asKey.signal], [2, null], asKey.stderr);
  assert.match(asKey.stderr, `audit.key: cannot read secret file ${fifo}: it is a FIFO`);
});

test.run();
