// `lab start --dir D` remembers D (a pointer in the user's state directory, cli/last-lab.ts): every
// later lab command without --dir, and status / plan / run without --config, reach that lab (run
// and resume say so: they change servers); `lab
// start` without --dir brings the same lab back. When D is removed the pointer is stale: commands
// say the lab is gone and what to do (exit 2), and `lab start` begins a new lab in the per-user
// default directory, which the next commands then find.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopLabProcess } from '../../lab/control/launch.js';
import { runCli } from '../helpers/lab.js';
import { openStore } from '../../store/index.js';

const root = mkdtempSync(join(tmpdir(), 'mb-last-lab-'));
const state = join(root, 'state');
const dir = join(root, 'tour-lab');
const env = { MIRRORBOOK_STATE_HOME: state };
const mb = (...args: string[]) => runCli(args, env);

test.after(async () => {
  await stopLabProcess(dir).catch(() => undefined);
  await stopLabProcess(join(state, 'lab')).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

test('after lab start --dir D, lab commands without --dir and status/plan without --config reach D', async () => {
  const started = await mb('lab', 'start', '--dir', dir);
  assert.is(started.code, 0, started.stderr);
  const status = await mb('lab', 'status');
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, `lab running in ${dir}`);
  const down = await mb('lab', 'fault', 'SQLMIR01', 'down');
  assert.is(down.code, 0, down.stderr);
  assert.match(down.stdout, /SQLMIR01: down/);
  assert.is((await mb('lab', 'fault', 'SQLMIR01', 'up')).code, 0);
  const log = await mb('lab', 'log', 'SQLPRI01');
  assert.is(log.code, 0, log.stderr);
  const partners = await mb('status', '--json');
  assert.is(partners.code, 0, partners.stderr);
  const seen = JSON.parse(partners.stdout) as { partners: { instance: string; reachable: boolean }[] };
  assert.equal(
    seen.partners.map((p) => [p.instance, p.reachable]),
    [
      ['SQLPRI01', true],
      ['SQLMIR01', true],
    ],
  );
  const plan = await mb('plan', 'setup', '--offline');
  assert.is(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /on SQLMIR01\+SQLPRI01/);
  // A command that changes servers says it took the lab's config: an operator who meant real
  // servers sees it at once (failover before setup is refused, after the line).
  const run = await mb('run', 'failover', '--yes');
  assert.match(run.stderr, `no --config and no mirrorbook.yaml here: using the lab's config ${join(dir, 'mirrorbook.yaml')} (give --config for real servers)`);
  assert.is.not(run.code, 0, 'failover before setup');
  const stopped = await mb('lab', 'stop');
  assert.match(stopped.stdout, `lab in ${dir} stopped`);
  const again = await mb('lab', 'start');
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, `lab started in ${dir}`, 'the same lab comes back');
  assert.is((await mb('lab', 'stop')).code, 0);
});

test('the lab removed: commands say it is gone and what to do; lab start begins a new one in the default place', async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const args of [['lab', 'status'], ['lab', 'fault', 'SQLPRI01', 'down'], ['status'], ['run', 'failover', '--yes']]) {
    const result = await mb(...args);
    assert.is(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    assert.match(result.stderr, `the lab last used, in ${dir}, is gone`, args.join(' '));
    assert.match(result.stderr, /hint: start a new one with: \S.* lab start/, args.join(' '));
  }
  assert.not.ok(existsSync(dir), 'nothing was recreated in the removed directory');
  // A store named with --store needs no config to be verified: the gone lab is no reason to refuse.
  const store = join(root, 'kept', 'state.db');
  mkdirSync(join(root, 'kept'));
  openStore(store).close();
  const local = await mb('audit', 'verify', '--local', '--store', store);
  assert.is(local.code, 0, `audit verify --local --store: ${local.stdout}${local.stderr}`);
  assert.match(local.stdout, /audit trail intact/);
  const anchored = await mb('audit', 'verify', '--store', store);
  assert.is(anchored.code, 5, `audit verify --store without a config: ${anchored.stdout}${anchored.stderr}`);
  assert.match(anchored.stdout + anchored.stderr, /no config names the servers/);
  const fresh = await mb('lab', 'start');
  assert.is(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stdout, `the lab last used, in ${dir}, is gone: a new one starts here`);
  assert.match(fresh.stdout, `lab started in ${join(state, 'lab')}`);
  const status = await mb('lab', 'status');
  assert.match(status.stdout, `lab running in ${join(state, 'lab')}`);
  const partners = await mb('status');
  assert.is(partners.code, 0, `status finds the new lab's config: ${partners.stderr}`);
  assert.is((await mb('lab', 'stop')).code, 0);
});

test.run();
