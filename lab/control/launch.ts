// Starting and stopping the lab process from outside: spawn it detached, wait until every instance
// that is not faulted down accepts TDS connections; ask it to stop and wait until it is gone.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Edition, SqlVersionName } from '../model.js';
import { findRunningLab, sendControl } from './control-client.js';
import { processAlive } from './control-file.js';
import { ControlError } from './control-protocol.js';
import { labDir } from './lab-dir.js';
import type { LabStatus } from './lab-status.js';
import type { SiteKind } from './lab-options.js';

export interface StartOptions {
  dir: string;
  witness?: boolean;
  version?: SqlVersionName;
  edition?: Edition;
  site?: SiteKind;
  timeoutMs?: number;
  /** A bundled lab-process.cjs to run instead of the one beside this code (tests of the source use dist's). */
  labProcess?: string;
  /** The environment of the command starting it (a new lab's settings, e.g. MIRRORBOOK_LAB_BACKUP_MS_PER_GB); default: this process's. */
  env?: NodeJS.ProcessEnv;
}

export type StartResult = { started: boolean; status: LabStatus };

/** The lab's heap is small and lives as long as the lab: V8's memory reducer, which shrinks it with
 * a full collection once the process turns idle (~8 s after start), cost every lab ~40 ms of CPU. */
const LAB_NODE_FLAGS = ['--no-memory-reducer'];

/** node arguments that run the lab process: the bundle beside this code, else the TypeScript source through tsx. */
export function labProcessArgs(): { args: string[]; cwd: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'lab-process.cjs');
  if (existsSync(bundled)) return { args: [bundled], cwd: here };
  const root = resolve(here, '../..');
  return { args: ['--import', 'tsx', join(root, 'lab', 'process.ts')], cwd: root };
}

export async function startLabProcess(options: StartOptions): Promise<StartResult> {
  const dir = labDir(resolve(options.dir));
  const running = findRunningLab(dir.root);
  if (running) return { started: false, status: await sendControl<LabStatus>(dir.root, { op: 'status' }) };
  mkdirSync(dir.root, { recursive: true, mode: 0o700 });
  const out = openSync(dir.processLog, 'a');
  const { args, cwd } = options.labProcess ? { args: [options.labProcess], cwd: dirname(options.labProcess) } : labProcessArgs();
  const child = spawn(
    process.execPath,
    [
      ...LAB_NODE_FLAGS,
      ...args,
      '--dir',
      dir.root,
      ...(options.witness ? ['--witness'] : []),
      ...(options.version ? ['--version', options.version] : []),
      ...(options.edition ? ['--edition', options.edition] : []),
      ...(options.site ? ['--site', options.site] : []),
    ],
    { cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  let exitCode: number | null = null;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? 128 : 1)));
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    for (;;) {
      // Exit code 3: another process serves the directory (a concurrent start) — wait for it instead.
      if (exitCode !== null && exitCode !== 3) {
        throw new ControlError(`the lab process exited with code ${exitCode} before it was ready`, `see ${dir.processLog}:\n${tail(dir.processLog, 12)}`);
      }
      const endpoint = findRunningLab(dir.root);
      if (endpoint && (endpoint.pid === child.pid || exitCode === 3)) {
        const status = await sendControl<LabStatus>(dir.root, { op: 'status' });
        if (status.instances.every((i) => i.up || i.faults.down)) return { started: endpoint.pid === child.pid, status };
      }
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new ControlError(`the lab process did not become ready within ${(options.timeoutMs ?? 30_000) / 1000} s`, `see ${dir.processLog}`);
      }
      await delay(50);
    }
  } finally {
    child.unref();
  }
}

/** Asks the lab to stop and waits until its process is gone (SIGTERM after a grace period). */
export async function stopLabProcess(root: string, graceMs = 10_000): Promise<{ wasRunning: boolean }> {
  const endpoint = findRunningLab(resolve(root));
  if (!endpoint) return { wasRunning: false };
  try {
    await sendControl(resolve(root), { op: 'stop' });
  } catch {
    process.kill(endpoint.pid, 'SIGTERM');
  }
  const deadline = Date.now() + graceMs;
  let signalled = false;
  while (processAlive(endpoint.pid)) {
    if (Date.now() > deadline) {
      if (signalled) throw new ControlError(`the lab process ${endpoint.pid} does not stop`, `kill it: kill ${endpoint.pid}`);
      process.kill(endpoint.pid, 'SIGTERM');
      signalled = true;
    }
    await delay(25);
  }
  return { wasRunning: true };
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
