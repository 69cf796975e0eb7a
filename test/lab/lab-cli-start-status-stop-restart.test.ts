import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sql from 'mssql';
import { mssqlConfigFor, runCli } from '../helpers/lab.js';
import { processAlive } from '../../lab/control/control-file.js';
import { loadConfig } from '../../config/load.js';
import type { LabStatus } from '../../lab/control/lab-status.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-lab-cli-'));
let first: LabStatus & { running: boolean };

const status = async (): Promise<LabStatus & { running: boolean }> => {
  const result = await runCli(['lab', 'status', '--json', '--dir', dir]);
  return JSON.parse(result.stdout) as LabStatus & { running: boolean };
};

test('lab start returns once every instance accepts TDS connections, and says where things are', async () => {
  // A new lab takes its pace from the environment of the command that starts it (lab/README.md).
  const result = await runCli(['lab', 'start', '--dir', dir], { MIRRORBOOK_LAB_SYNCHRONIZED_AFTER_MS: '250' });
  assert.is(result.code, 0, result.stderr);
  const behaviour = await runCli(['lab', 'behaviour', 'SQLMIR01', '--dir', dir]);
  assert.match(behaviour.stdout, /synchronizedAfterMs\W+250\b/, behaviour.stdout);
  assert.match(result.stdout, `lab started in ${dir}`);
  assert.match(result.stdout, 'SQLPRI01');
  assert.match(result.stdout, 'SQLMIR01');
  assert.match(result.stdout, join(dir, 'mirrorbook.yaml'));
  first = await status();
  assert.is(first.running, true);
  assert.equal(
    first.instances.map((i) => i.name),
    ['SQLPRI01', 'SQLMIR01'],
  );
  for (const instance of first.instances) {
    assert.is(instance.up, true);
    assert.is(instance.host, '127.0.0.1');
    assert.ok(instance.port > 0);
    assert.is(instance.login, 'mirrorbook');
    assert.match(instance.mirroringAddress, /^TCP:\/\/sqlpri01|^TCP:\/\/sqlmir01/);
    const pool = await new sql.ConnectionPool(
      mssqlConfigFor(instance, readFileSync(instance.passwordFile, 'utf8').trim(), first.tlsCertFile, 'trust'),
    ).connect();
    const rows = (await pool.request().query('SELECT @@SERVERNAME AS name')).recordset;
    assert.is(rows[0].name, instance.name);
    await pool.close();
  }
});

test('secrets and the control file are readable by their owner only', () => {
  for (const file of [
    join(dir, 'control.json'),
    ...first.instances.map((i) => i.passwordFile),
    join(dir, 'credentials', 'master-key.password'),
    join(dir, 'credentials', 'endpoint-login.password'),
  ]) {
    assert.is(statSync(file).mode & 0o777, 0o600, file);
  }
  assert.is(statSync(join(dir, 'credentials')).mode & 0o777, 0o700);
  const passwords = first.instances.map((i) => readFileSync(i.passwordFile, 'utf8').trim());
  assert.is.not(passwords[0], passwords[1], 'each instance has its own admin password');
});

test('the written mirrorbook.yaml is a valid config for the pair', () => {
  const config = loadConfig(join(dir, 'mirrorbook.yaml'), { env: {} });
  assert.is(config.pair.principal.port, first.instances[0]!.port);
  assert.is(config.pair.mirror.instance, 'SQLMIR01');
  assert.is(config.pair.principal.password.reveal(), readFileSync(first.instances[0]!.passwordFile, 'utf8').trim());
  assert.is(config.secrets.masterKeyPassword?.reveal(), readFileSync(join(dir, 'credentials', 'master-key.password'), 'utf8').trim());
  assert.match(config.backup.mirrorReadsFrom, /^\\\\SQLPRI01\\Backup$/);
});

test('a second lab start on a running lab says so and exits 0', async () => {
  const result = await runCli(['lab', 'start', '--dir', dir]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, `lab already running in ${dir} (pid ${first.pid})`);
});

test('lab stop ends the process and keeps the state', async () => {
  const result = await runCli(['lab', 'stop', '--dir', dir]);
  assert.is(result.code, 0, result.stderr);
  assert.is(processAlive(first.pid), false);
  assert.ok(existsSync(join(dir, 'state.json')));
  assert.not.ok(existsSync(join(dir, 'control.json')));
  assert.is((await status()).running, false);
});

test('lab start again serves the same instances on the same ports', async () => {
  const result = await runCli(['lab', 'start', '--dir', dir]);
  assert.is(result.code, 0, result.stderr);
  const again = await status();
  assert.is.not(again.pid, first.pid);
  assert.equal(
    again.instances.map((i) => [i.name, i.port]),
    first.instances.map((i) => [i.name, i.port]),
  );
});

test('SIGTERM stops the lab cleanly', async () => {
  const { pid } = await status();
  process.kill(pid, 'SIGTERM');
  while (processAlive(pid)) await new Promise((r) => setTimeout(r, 20));
  assert.not.ok(existsSync(join(dir, 'control.json')));
  assert.not.ok(existsSync(join(dir, 'lab.lock')));
});

test('two concurrent lab starts: one process serves, both commands succeed', async () => {
  const [a, b] = await Promise.all([runCli(['lab', 'start', '--dir', dir]), runCli(['lab', 'start', '--dir', dir])]);
  assert.is(a.code, 0, a.stderr);
  assert.is(b.code, 0, b.stderr);
  const said = [a.stdout, b.stdout].map((out) => (/lab started/.test(out) ? 'started' : /already running/.test(out) ? 'running' : out)).sort();
  assert.equal(said, ['running', 'started']);
  const pids = [a.stdout, b.stdout].map((out) => /\(pid (\d+)\)/.exec(out)?.[1]);
  assert.is(pids[0], pids[1]);
});

test.after(async () => {
  await runCli(['lab', 'stop', '--dir', dir]);
  rmSync(dir, { recursive: true, force: true });
});
test.run();
