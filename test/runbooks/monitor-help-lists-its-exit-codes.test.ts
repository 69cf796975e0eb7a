// An agent or scheduler reads `monitor --help` to learn what each exit code means; status and
// connection-string explain themselves too. Help needs no config and exits 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/lab.js';

const empty = mkdtempSync(join(tmpdir(), 'mb-help-'));
const missingConfig = join(empty, 'absent.yaml');

test('monitor --help lists every exit code with its meaning', async () => {
  const help = await runCli(['monitor', '--help', '--config', missingConfig]);
  assert.is(help.code, 0, help.stderr);
  for (const [code, meaning] of [
    ['0', 'healthy'],
    ['10', 'warning'],
    ['11', 'critical'],
    ['12', 'no server of the pair reachable'],
    ['2', 'bad usage or config'],
  ]) {
    assert.match(help.stdout, new RegExp(`^\\s+${code}\\s+${meaning}`, 'm'), `exit ${code}`);
  }
});

test('status and connection-string --help describe themselves', async () => {
  const status = await runCli(['status', '--help', '--config', missingConfig]);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /--watch refreshes every --interval seconds/);
  const strings = await runCli(['connection-string', '-h', '--config', missingConfig]);
  assert.is(strings.code, 0, strings.stderr);
  assert.match(strings.stdout, /Failover Partner/);
});

test.after(() => rmSync(empty, { recursive: true, force: true }));
test.run();
