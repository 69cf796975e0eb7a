// The store under fire, through the built CLI running a real procedure against a lab: a corrupted
// file, a file another process holds in an exclusive transaction, a read-only file, a read-only
// file system, a full disk. Each: a StoreError message with a hint, exit 2 (6 for the full disk), no batch sent to the
// lab, and the runs (and audit) exactly as before — no half-written run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startTestLab, type CliResult, type TestLab } from '../helpers/lab.js';
import { batchCounts, requireDist, runDist } from './support.js';

let lab: TestLab;
let work: string;
let baseStore: string;
const mounts: string[] = [];

// A procedure the preflight lets through on a fresh lab (a failover there is refused before any run).
const FAILOVER = ['run', 'certificate-setup', '--yes', '--plain'];

test.before(async () => {
  requireDist();
  lab = await startTestLab({ inProcess: true });
  work = mkdtempSync(join(tmpdir(), 'mb-proof-store-'));
  baseStore = join(work, 'base', 'state.db');
  // One real run, so every store under test has history.
  const first = await mb(baseStore);
  assert.is(first.code, 0, first.stdout + first.stderr);
  assert.is(history(baseStore).runs.length, 1);
});

test.after(async () => {
  for (const dir of mounts.reverse()) spawnSync('umount', [dir]);
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function mb(store: string): Promise<CliResult> {
  return runDist([...FAILOVER, '--config', join(lab.dir, 'mirrorbook.yaml'), '--store', store]);
}

/** Runs and audit as they are on disk (read with a connection of the test's own). */
function history(store: string): { runs: unknown[]; audit: number } {
  const db = new Database(store, { readonly: true });
  try {
    return {
      runs: db.prepare('SELECT id, status, exit_code, updated_at, ended_at FROM runs ORDER BY id').all(),
      audit: (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

function copyOfBase(name: string, dir = join(work, name)): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'state.db');
  copyFileSync(baseStore, path);
  return path;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function refused(store: string, code: RegExp, exitCode = 2): Promise<CliResult> {
  const before = batchCounts(lab.dir, true);
  const out = await mb(store);
  assert.is(out.code, exitCode, `exit ${out.code}:\n${out.stdout}\n${out.stderr}`);
  assert.match(out.stderr, code);
  assert.match(out.stderr, /\nhint: \S.{20,}/, 'a hint');
  assert.not.match(out.stderr, /internal error|    at /, 'no stack trace');
  assert.equal(batchCounts(lab.dir, true), before, 'no change was sent to the lab (the preflight only reads)');
  return out;
}

test('a corrupted store: exit 2, "corrupted" with a recovery hint, file untouched', async () => {
  const store = copyOfBase('corrupt');
  const pageSize = readFileSync(store).readUInt16BE(16);
  const fd = openSync(store, 'r+');
  writeSync(fd, Buffer.alloc(pageSize * 3, 0xa5), 0, pageSize * 3, pageSize);
  closeSync(fd);
  const before = sha(store);
  const out = await refused(store, /is corrupted/);
  assert.match(out.stderr, /\.recover/);
  assert.is(sha(store), before, 'not written');
});

test('a store held by another process in BEGIN EXCLUSIVE: exit 2 "locked" once the wait runs out, no run written', async () => {
  const store = copyOfBase('locked');
  const before = history(store);
  const holder: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    db.prepare("UPDATE runs SET updated_at = updated_at").run();
    process.stdout.write('locked\\n');
    process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
  `,
      store,
    ],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('locked')) resolve();
      });
      holder.on('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
    });
    const out = await refused(store, /is locked by another process/);
    assert.match(out.stderr, /hint: another mirrorbook/);
  } finally {
    holder.stdin!.end('release\n');
    await new Promise((resolve) => holder.on('close', resolve));
  }
  assert.equal(history(store), before, 'no half-written run');
});

test('a read-only store file (0444): exit 2 "read-only" with a chmod hint, file untouched', async () => {
  const store = copyOfBase('read-only-file');
  chmodSync(store, 0o444);
  const before = sha(store);
  try {
    const out = await refused(store, /is read-only/);
    assert.match(out.stderr, /chmod u\+w/);
    assert.is(sha(store), before);
  } finally {
    chmodSync(store, 0o644);
  }
});

function mount(args: string[], dir: string): boolean {
  const result = spawnSync('mount', [...args, dir], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.log(`  mount ${args.join(' ')} failed — ${result.stderr.trim()}; this test needs root with mount rights (CI runs as root)`);
    return false;
  }
  mounts.push(dir);
  return true;
}

test('a store on a read-only file system: exit 2 with a hint, no run written', async () => {
  const dir = join(work, 'read-only-fs');
  const store = copyOfBase('read-only-fs', dir);
  const before = history(store);
  assert.ok(mount(['--bind', dir], dir), 'bind-mount the store directory');
  assert.ok(mount(['-o', 'remount,ro,bind'], dir), 'remount read-only');
  const out = await refused(store, /read-only|cannot be written/);
  assert.match(out.stderr, /hint: .*(writ|chmod)/);
  assert.equal(history(store), before, 'no half-written run');
});

test('a full disk: exit 6 (its own code, not bad usage) "full" with a hint, no half-written run', async () => {
  const dir = join(work, 'full');
  mkdirSync(dir);
  // Room for the store and one run's WAL once the filler is gone (a commit writes whole 8 KiB pages).
  assert.ok(mount(['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs'], dir), 'mount a 4 MB tmpfs');
  const store = copyOfBase('full', dir);
  const before = history(store);
  // Fill what is left of the file system.
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (;;) writeSync(fd, Buffer.alloc(4096, 1));
  } catch (error) {
    assert.is((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  const out = await refused(store, /the disk holding the store .* is full/, 6);
  assert.match(out.stderr, /hint: free space/);
  rmSync(join(dir, 'filler'));
  assert.equal(history(store), before, 'no half-written run');
  const again = await mb(store);
  assert.is(again.code, 0, 'with space again the same command runs (its steps found already done)');
  assert.is((history(store).runs as unknown[]).length, 2);
});

test.run();
