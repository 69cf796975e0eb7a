import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/lab.js';
import { findRunningLab } from '../../lab/control/control-client.js';
import { stopLabProcess } from '../../lab/control/launch.js';

/** The demo's pacing is the operator's, not what these tests prove: quick backups, sessions
 * SYNCHRONIZED as soon as they caught up, quick polls. */
const QUICK = { MIRRORBOOK_LAB_BACKUP_MS_PER_GB: '5', MIRRORBOOK_LAB_SYNCHRONIZED_AFTER_MS: '0', MIRRORBOOK_POLL_MS: '50' };

test('demo in a pipe: a lab, setup and failover in plain lines, what to try next, the lab stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-ui-demo-'));
  try {
    const result = await runCli(['demo', '--dir', dir], QUICK);
    assert.is(result.code, 0, result.stderr + result.stdout.slice(-3000));
    assert.match(result.stdout, /starting setup on SQLMIR01\+SQLPRI01/);
    assert.match(result.stdout, /run \S+: done \(exit 0\)[\s\S]*starting failover on SQLMIR01\+SQLPRI01[\s\S]*run \S+: done \(exit 0\)/);
    assert.match(result.stdout, /Try next:/);
    const config = join(dir, 'lab', 'mirrorbook.yaml');
    for (const cmd of [`run promote --config ${config}`, `lab fault SQLPRI01 down --dir ${join(dir, 'lab')}`, `audit verify --config ${config}`]) {
      assert.ok(result.stdout.includes(cmd), `suggests ${cmd}`);
    }
    assert.not.match(result.stdout, /[╭▶]|\x1b\[/, 'plain output without a terminal');
    // A readable page: each step's result once, no T-SQL, no poll repeated.
    const lines = result.stdout.split('\n');
    assert.ok(lines.length < 200, `the piped demo is a page, not a log: ${lines.length} lines`);
    assert.not.match(result.stdout, /^[\d:.]+ +SQL\w+> /m, 'no statement lines');
    const engineLines = lines.filter((line) => /^\d\d:\d\d:\d\d\.\d{3} /.test(line)).map((line) => line.slice(13));
    const repeated = engineLines.filter((line, i) => engineLines.indexOf(line) !== i);
    assert.equal(repeated, [], 'no line of the runs is repeated');
    assert.match(result.stdout, /step principal\.backup-full\.Patriot: done \([\d.]+ m?s\) — backup of Patriot written/, 'each step says what it did');
    assert.is(findRunningLab(join(dir, 'lab')), null, 'the lab is stopped');
    assert.ok(existsSync(join(dir, 'lab', 'state.json')), 'its state is kept for lab start --dir');
  } finally {
    await stopLabProcess(join(dir, 'lab')).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('demo without --dir or --keep removes everything it created: its temporary directory is gone, no lab process is left', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mb-ui-demo-tmp-'));
  try {
    const result = await runCli(['demo'], { ...QUICK, TMPDIR: tmp });
    assert.is(result.code, 0, result.stderr + result.stdout.slice(-3000));
    const made = /starting a simulated SQL Server pair in (\S+) …/.exec(result.stdout)?.[1];
    assert.ok(made?.startsWith(tmp), result.stdout.slice(0, 500));
    assert.match(result.stdout, /lab stopped and \S+ removed \(--keep keeps the pair running\)/);
    // (tsx, when the tests run from source, keeps its compile cache in TMPDIR: not the demo's.)
    assert.equal(
      readdirSync(tmp).filter((name) => !name.startsWith('tsx-')),
      [],
      'nothing the demo made is left',
    );
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    assert.not.ok(processes.includes(made!), 'no process serves the removed lab');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
