import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { runInput, tempStore } from './support.js';

/** The pid of a process that existed and is now gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const pid = child.pid!;
  child.kill('SIGKILL');
  await exited;
  return pid;
}

const base = { procedure: 'certificate-setup', owner: 'alice', host: hostname() };

test('a lock whose process died on this host is reported stale', async () => {
  const t = tempStore();
  try {
    const pid = await deadPid();
    t.store.locks.acquire({ ...base, pid, pairKey: 'SQLA|SQLB', runId: 'run-1' });
    assert.is(t.store.locks.get('SQLA|SQLB')?.stale, true);
    const result = t.store.locks.acquire({ ...base, pid: process.pid, pairKey: 'SQLA|SQLB', runId: 'run-2' });
    assert.is(result.ok, false);
    if (!result.ok) {
      assert.is(result.stale, true);
      assert.is(result.holder.pid, pid);
    }
  } finally {
    t.cleanup();
  }
});

test('a lock held by a live process is not stale', () => {
  const t = tempStore();
  try {
    t.store.locks.acquire({ ...base, pid: process.pid, pairKey: 'SQLA|SQLB', runId: 'run-1' });
    assert.is(t.store.locks.get('SQLA|SQLB')?.stale, false);
  } finally {
    t.cleanup();
  }
});

test('resuming the same run takes its stale lock back, on the record', async () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    const pid = await deadPid();
    t.store.locks.acquire({ ...base, pid, pairKey: 'SQLA|SQLB', runId: 'run-1' });
    assert.equal(t.store.locks.acquire({ ...base, pid: process.pid, pairKey: 'SQLA|SQLB', runId: 'run-1' }), { ok: true });
    assert.is(t.store.locks.get('SQLA|SQLB')?.pid, process.pid);
    const note = t.store.audit.forRun('run-1').find((r) => r.kind === 'note');
    assert.match(note?.message ?? '', `dead process ${pid}`);
  } finally {
    t.cleanup();
  }
});

test.run();
