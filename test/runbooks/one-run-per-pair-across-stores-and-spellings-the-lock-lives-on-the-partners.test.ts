// One run per pair, held where the pair is: two DBAs with two stores (one spelling the instances in
// lower case) race `setup` — the second exits 4 naming the holder and every change reaches the
// servers once; `status` shows the holder; a killed holder's lock goes with its connection (no
// unlock); a failback while another workstation's failover holds the pair is refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, cliCommand, type CliResult } from '../helpers/lab.js';
import { FAST_BACKUP_MS_PER_GB, startPairLab, type PairLab } from './pair-lab.js';
import { loadConfig } from '../../config/load.js';
import { takePairLock } from '../../steps/pair-lock.js';

let pair: PairLab;
let lowerCaseConfig: string;
test.before(async () => {
  pair = await startPairLab();
  lowerCaseConfig = join(pair.lab.dir, 'lower-case.yaml');
  writeFileSync(lowerCaseConfig, readFileSync(pair.config, 'utf8').replace('instance: SQLPRI01', 'instance: sqlpri01').replace('instance: SQLMIR01', 'instance: sqlmir01'));
});
test.after(async () => {
  await pair?.stop();
});

interface Cli { reached: Promise<void>; done: Promise<CliResult>; kill(): void }

/** The CLI with a store of its own: `store` A or B, the normal or the lower-case config. */
function mb(store: 'A' | 'B' | 'D', config: string, args: string[], until = /(?!)/): Cli {
  const child = spawn(process.execPath, [...cliCommand(), ...args, '--config', config, '--store', join(pair.lab.dir, `store-${store}.db`), '--plain', '--operator', `dba-${store}`], {
    cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', MIRRORBOOK_POLL_MS: '50' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let hit = (): void => {};
  const reached = new Promise<void>((resolve) => (hit = resolve));
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); if (until.test(stdout)) hit(); });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr })));
  return { reached: Promise.race([reached, done.then(() => undefined)]), done, kill: () => void child.kill('SIGKILL') };
}

function changes(instance: string, pattern: RegExp): number {
  return readFileSync(join(pair.lab.dir, 'logs', `${instance}.ndjson`), 'utf8').split('\n').filter(Boolean).filter((l) => pattern.test((JSON.parse(l) as { sql: string }).sql)).length;
}

test('two stores race setup: the second (lower-case names) exits 4 naming the holder; status shows it; each change is sent once', async () => {
  // Slow backups keep the first run (and its lock) busy while the second run and status look.
  await pair.lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '4000' });
  const first = mb('A', pair.config, ['run', 'setup', '--yes', '--confirm', 'SQLMIR01'], /BACKUP DATABASE/);
  await first.reached;
  const second = await mb('B', lowerCaseConfig, ['run', 'setup', '--yes', '--confirm', 'SQLMIR01']).done;
  assert.is(second.code, 4, second.stdout + second.stderr);
  assert.match(second.stderr, /pair SQLMIR01\+SQLPRI01 is locked on SQLPRI01 by another run: dba-A on \S+ \(pid \d+\), running 'setup'/);
  const status = await pair.mb('status');
  assert.match(status.stdout, /locked by dba-A on \S+ \(pid \d+\): run \S+ 'setup'/);
  await pair.lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: FAST_BACKUP_MS_PER_GB });
  const done = await first.done;
  assert.is(done.code, 0, done.stdout.slice(-1500) + done.stderr);
  // (The batch log redacts password-bearing batches, as SQL Server's traces do: endpoints are counted.)
  assert.is(changes('SQLPRI01', /^CREATE ENDPOINT/), 1);
  assert.is(changes('SQLMIR01', /^CREATE ENDPOINT/), 1);
  assert.is(changes('SQLMIR01', /^RESTORE DATABASE \[Patriot\]/), 1);
  assert.not.match((await pair.mb('status')).stdout, /locked by/, 'released at the end of the run');
});

test('a killed holder leaves no lock behind: another store runs without unlock', async () => {
  const killed = mb('A', pair.config, ['run', 'failover', '--yes'], /starting failover/);
  await killed.reached;
  killed.kill();
  await killed.done;
  const next = await mb('B', pair.config, ['run', 'failback', '--yes']).done;
  assert.is.not(next.code, 4, next.stderr);
  assert.not.match(next.stderr, /locked/);
});

test('a failback while another workstation holds the pair for a failover is refused (exit 4); once released it runs and ends verified', async () => {
  // The other workstation's failover, holding the pair's lock as a run does (its own connections).
  const other = await takePairLock(loadConfig(pair.config, { env: process.env }), { owner: 'dba-elsewhere', host: 'ws-02', pid: 4242, runId: '20261203-230000-beef', procedure: 'failover' });
  const refused = await mb('D', pair.config, ['run', 'failback', '--yes']).done;
  assert.is(refused.code, 4, refused.stdout.slice(-1500) + refused.stderr);
  assert.match(refused.stderr, /locked on SQLPRI01 by another run: dba-elsewhere on ws-02 \(pid 4242\), running 'failover' as run 20261203-230000-beef/);
  await other.release();
  const failback = await mb('D', pair.config, ['run', 'failback', '--yes']).done;
  assert.is(failback.code, 0, failback.stdout.slice(-1500) + failback.stderr);
  assert.match(failback.stdout, /step failover-to-principal\.end-state: (done|already done)/);
});

test.run();
