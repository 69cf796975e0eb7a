// One run per pair, held where the pair is: two DBAs with two stores (one spelling the instances in
// lower case) race `setup` — the second exits 4 naming the holder and every change reaches the
// servers once; the same store with the roles swapped is refused by its local lock; `status` shows
// the holder; a killed holder's lock goes with its connection (no unlock); a failover and a
// failback started together from two stores — exactly one runs; a lock connection that drops
// mid-run is taken again, and a run whose lock was taken meanwhile sends no further change.
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
let swappedConfig: string;
test.before(async () => {
  pair = await startPairLab();
  lowerCaseConfig = join(pair.lab.dir, 'lower-case.yaml');
  writeFileSync(
    lowerCaseConfig,
    readFileSync(pair.config, 'utf8').replace('instance: SQLPRI01', 'instance: sqlpri01').replace('instance: SQLMIR01', 'instance: sqlmir01'),
  );
  swappedConfig = join(pair.lab.dir, 'swapped.yaml');
  // The roles as they are after a failover, the instances in lower case: the same pair.
  writeFileSync(
    swappedConfig,
    readFileSync(lowerCaseConfig, 'utf8')
      .replace(/^(\s+)principal:/m, '$1@@role:')
      .replace(/^(\s+)mirror:/m, '$1principal:')
      .replace(/^(\s+)@@role:/m, '$1mirror:'),
  );
});
test.after(async () => {
  await pair?.stop();
});

interface Cli {
  reached: Promise<void>;
  done: Promise<CliResult>;
  kill(): void;
}

/** The CLI with a store of its own (one per DBA), the normal, lower-case or swapped config. */
function mb(store: string, config: string, args: string[], until = /(?!)/): Cli {
  const child = spawn(
    process.execPath,
    [...cliCommand(), ...args, '--config', config, '--store', join(pair.lab.dir, `store-${store}.db`), '--plain', '--operator', `dba-${store}`],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', MIRRORBOOK_POLL_MS: '50' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let hit = (): void => {};
  const reached = new Promise<void>((resolve) => (hit = resolve));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (until.test(stdout)) hit();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr })));
  return { reached: Promise.race([reached, done.then(() => undefined)]), done, kill: () => void child.kill('SIGKILL') };
}

function changes(instance: string, pattern: RegExp): number {
  return readFileSync(join(pair.lab.dir, 'logs', `${instance}.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .filter((l) => pattern.test((JSON.parse(l) as { sql: string }).sql)).length;
}

test('two stores race setup: the second (lower-case names) exits 4 naming the holder; status shows it; each change is sent once', async () => {
  // Slow backups keep the first run (and its lock) busy while the second run and status look.
  await pair.lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '4000' });
  const first = mb('A', pair.config, ['run', 'setup', '--yes', '--confirm', 'SQLMIR01'], /BACKUP DATABASE/);
  await first.reached;
  const second = await mb('B', lowerCaseConfig, ['run', 'setup', '--yes', '--confirm', 'SQLMIR01']).done;
  assert.is(second.code, 4, second.stdout + second.stderr);
  assert.match(
    second.stderr,
    /pair SQLMIR01\+SQLPRI01 is locked on SQLPRI01 by another run: dba-A on \S+ \(pid \d+\), running 'setup' as run \d{8}-\d{6}-[0-9a-f]{4} since \d{4}-/,
  );
  const swapped = await mb('A', swappedConfig, ['run', 'setup', '--yes', '--confirm', 'SQLMIR01']).done;
  assert.is(swapped.code, 4, swapped.stdout + swapped.stderr);
  assert.match(
    swapped.stderr,
    /pair SQLMIR01\+SQLPRI01 is locked by another run: dba-A on \S+ \(pid \d+\), running 'setup'/,
    'one store, roles swapped and names in lower case: one lock row',
  );
  const status = await pair.mb('status');
  assert.match(status.stdout, /locked by dba-A on \S+ \(pid \d+\): run \d{8}-\d{6}-[0-9a-f]{4} 'setup' since \d{4}-/);
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
  assert.not.match((await pair.mb('status')).stdout, /locked by/, 'the lock went with the killed process');
  const next = await mb('B', pair.config, ['run', 'failback', '--yes']).done;
  assert.is.not(next.code, 4, next.stderr);
  assert.not.match(next.stderr, /locked/);
});

test('a failback while another workstation holds the pair for a failover is refused (exit 4); once released it runs and ends verified', async () => {
  // The other workstation's failover, holding the pair's lock as a run does (its own connections).
  const other = await takePairLock(loadConfig(pair.config, { env: process.env }), {
    owner: 'dba-elsewhere',
    host: 'ws-02',
    pid: 4242,
    runId: '20261203-230000-beef',
    procedure: 'failover',
  });
  const refused = await mb('D', pair.config, ['run', 'failback', '--yes']).done;
  assert.is(refused.code, 4, refused.stdout.slice(-1500) + refused.stderr);
  assert.match(refused.stderr, /locked on SQLPRI01 by another run: dba-elsewhere on ws-02 \(pid 4242\), running 'failover' as run 20261203-230000-beef/);
  await other.release();
  const failback = await mb('D', pair.config, ['run', 'failback', '--yes']).done;
  assert.is(failback.code, 0, failback.stdout.slice(-1500) + failback.stderr);
  assert.match(failback.stdout, /step failover-to-principal\.end-state: (done|already done)/);
});

const FAILOVER = /SET PARTNER FAILOVER$/;
const failovers = (): number => changes('SQLPRI01', FAILOVER) + changes('SQLMIR01', FAILOVER);
const DATABASES = 2;
/** The procedure that moves the pair from where the last test left it. */
let next: 'failover' | 'failback' = 'failover';

/** Every response of both partners slowed: the runs below overlap (and the faults land between
 * their steps) whatever the machine's load. */
async function slow(ms: number): Promise<void> {
  for (const instance of ['SQLPRI01', 'SQLMIR01']) await pair.lab.control({ op: 'fault', instance, fault: ms ? 'slow' : 'heal', ...(ms ? { ms } : {}) });
}

test('a failover from one store and a failback from another started together: exactly one runs, the other exits 4 naming it; each change is sent once', async () => {
  const before = failovers();
  await slow(50);
  const runs = { failover: mb('E', pair.config, ['run', 'failover', '--yes']), failback: mb('F', pair.config, ['run', 'failback', '--yes']) };
  const [failover, failback] = await Promise.all([runs.failover.done, runs.failback.done]);
  await slow(0);
  const refused = [failover, failback].filter((r) => r.code === 4);
  assert.is(refused.length, 1, `exactly one is refused:\n${failover.stderr}\n${failback.stderr}`);
  const winner = failover.code === 4 ? 'failback' : 'failover';
  const won = winner === 'failover' ? failover : failback;
  assert.is(won.code, 0, won.stdout.slice(-1500) + won.stderr);
  assert.match(
    refused[0]!.stderr,
    new RegExp(
      `locked on SQL(PRI|MIR)01 by another run: dba-${winner === 'failover' ? 'E' : 'F'} on \\S+ \\(pid \\d+\\), running '${winner}' as run \\S+ since `,
    ),
    refused[0]!.stderr,
  );
  assert.not.match(refused[0]!.stdout, /^\S+ starting /m, 'the refused run started nothing');
  // The failback found the principal where it belongs (already done); the failover sent one per database.
  assert.is(failovers() - before, winner === 'failover' ? DATABASES : 0);
  next = winner === 'failover' ? 'failback' : 'failover';
});

test('a lock connection that drops mid-run is taken again before the next change, and the run ends done', async () => {
  const run = mb('E', pair.config, ['run', next, '--yes'], new RegExp(`^\\S+ starting ${next}`, 'm'));
  await run.reached;
  await slow(30);
  const dropped = await pair.lab.control<{ dropped: number[] }>({ op: 'disconnect', instance: 'SQLPRI01', program: 'mirrorbook lock ' });
  const done = await run.done;
  await slow(0);
  assert.is(dropped.dropped.length, 1, `the run held one lock session on the principal: ${done.stdout.slice(-1500)}`);
  assert.is(done.code, 0, done.stdout.slice(-1500) + done.stderr);
  assert.match(done.stdout, /the pair's lock was taken again on SQLPRI01: its connection had dropped/);
  next = next === 'failover' ? 'failback' : 'failover';
});

test('a run whose dropped lock was taken by another session meanwhile sends no further change and says who holds it', async () => {
  const before = failovers();
  // Another workstation's session, connected before the drop so that it takes the lock in the gap
  // (its record in its program name, as a run's).
  const mssql = (await import('mssql')).default;
  const base = pair.lab.mssqlConfig('SQLPRI01');
  const other = await new mssql.ConnectionPool({
    ...base,
    pool: { max: 1, min: 1 },
    options: { ...base.options, appName: 'mirrorbook lock SQLMIR01+SQLPRI01 20261204-050000-cafe failback pid 777 dba-elsewhere' },
  }).connect();
  try {
    const run = mb('E', pair.config, ['run', next, '--yes'], new RegExp(`^\\S+ starting ${next}`, 'm'));
    await run.reached;
    // Slowed from here: the drop and the other session's lock come before the run's first change.
    await slow(150);
    await pair.lab.control({ op: 'disconnect', instance: 'SQLPRI01', program: 'mirrorbook lock ' });
    const got = await other
      .request()
      .query<{ r: number }>(
        "DECLARE @r int; EXEC @r = sp_getapplock @Resource = N'mirrorbook:pair:SQLMIR01+SQLPRI01', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT @r AS r",
      );
    assert.is(got.recordset[0]?.r, 0, 'the lock was free once the connection dropped');
    const done = await run.done;
    await slow(0);
    assert.is(done.code, 1, done.stdout.slice(-1500) + done.stderr);
    assert.match(done.stdout, /locked on SQLPRI01 by another run: dba-elsewhere on \S+ \(pid 777\), running 'failback' as run 20261204-050000-cafe/);
    assert.is(failovers(), before, 'no failover was sent once the lock was lost');
  } finally {
    await other.close();
    await slow(0);
  }
});

test.run();
