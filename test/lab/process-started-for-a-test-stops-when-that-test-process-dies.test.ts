// A test killed at its time limit must not leave its lab serving: the lab process watches the pid
// in MIRRORBOOK_LAB_WATCH_PID and stops when it is gone. A lab without it keeps running.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRunningLab } from '../../lab/control/control-client.js';
import { startLabProcess, stopLabProcess } from '../../lab/control/launch.js';
import { waitFor } from '../helpers/lab.js';

const dirs: string[] = [];
test.after(async () => {
  for (const dir of dirs) {
    await stopLabProcess(dir).catch(() => {});
    // The lab that stopped itself may still be writing its last state as it exits.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
});

async function startWatching(watchPid: string | undefined): Promise<{ dir: string; pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-watch-'));
  dirs.push(dir);
  const saved = process.env.MIRRORBOOK_LAB_WATCH_PID;
  if (watchPid === undefined) delete process.env.MIRRORBOOK_LAB_WATCH_PID;
  else process.env.MIRRORBOOK_LAB_WATCH_PID = watchPid;
  try {
    await startLabProcess({ dir });
  } finally {
    if (saved === undefined) delete process.env.MIRRORBOOK_LAB_WATCH_PID;
    else process.env.MIRRORBOOK_LAB_WATCH_PID = saved;
  }
  return { dir, pid: findRunningLab(dir)!.pid };
}

test('the lab stops once the watched process is killed; an unwatched lab keeps serving', async () => {
  const standIn = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const watched = await startWatching(String(standIn.pid));
  const unwatched = await startWatching(undefined);
  assert.ok(findRunningLab(watched.dir), 'the watched lab runs while its test process lives');
  standIn.kill('SIGKILL');
  await waitFor('the watched lab to stop', async () => findRunningLab(watched.dir) === null, 20_000, 100);
  assert.ok(findRunningLab(unwatched.dir), 'a lab started without a watched pid keeps running');
});

test.run();
