// Start a lab for a test: as a process of its own through the same code `mirrorbook lab start` uses
// (default), or in the test's process (`inProcess: true`, faster, no child to clean up). Each lab
// lives in a fresh temporary directory that stop() removes. Connection configs are for `mssql`.
//
//   const lab = await startTestLab();
//   const pool = await new sql.ConnectionPool(lab.mssqlConfig('SQLPRI01')).connect();
//   …
//   await lab.stop();

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConnectionPool, config as MssqlConfig } from 'mssql';
import type { Edition, SqlVersionName } from '../../lab/model.js';
import type { LabStatus, InstanceStatus } from '../../lab/control/lab-status.js';
import type { ControlRequest } from '../../lab/control/control-protocol.js';
import type { SiteKind } from '../../lab/control/lab-options.js';
import { sendControl } from '../../lab/control/control-client.js';
import { startLabProcess, stopLabProcess } from '../../lab/control/launch.js';
import { freshBundle } from './fresh-bundle.js';
import { startInProcess, type CliResult, type RunningCli } from './cli-in-process.js';
import type { RunningLab } from '../../lab/control/running-lab.js';

export const REPO_ROOT = resolve(new URL('../..', import.meta.url).pathname);

// Lab processes started from this test (directly or through the CLI) stop when it dies, so a file
// killed at its time limit leaves no lab behind (lab/process.ts watches this pid).
process.env.MIRRORBOOK_LAB_WATCH_PID ??= String(process.pid);

// The lab's CREATE CERTIFICATE takes its keys from one pool per machine (lab/crypto/key-pool.ts):
// each lab's certificates still hold keys of their own, without ~0.2 s of CPU to generate each.
process.env.MIRRORBOOK_LAB_KEY_POOL ??= join(tmpdir(), 'mirrorbook-lab-keys');

// A state directory of this test's own: the lab a `lab` command remembers (cli/last-lab.ts) never
// reaches the user's home or another test running beside it.
if (process.env.MIRRORBOOK_STATE_HOME === undefined) {
  const home = mkdtempSync(join(tmpdir(), 'mirrorbook-state-'));
  process.env.MIRRORBOOK_STATE_HOME = home;
  process.on('exit', () => rmSync(home, { recursive: true, force: true }));
}

/** How a client encrypts: mssql plain / encrypt + trust / encrypt + CA check / TDS 8.0 strict. */
export type EncryptionMode = 'plain' | 'trust' | 'ca' | 'strict';

export interface TestLabOptions {
  witness?: boolean;
  version?: SqlVersionName;
  edition?: Edition;
  /** `guide`: built by hand from the vendor guide (lab/guide-site.ts). */
  site?: SiteKind;
  /** Run the lab inside the test process instead of a child process. */
  inProcess?: boolean;
  /** Reuse a directory (e.g. to restart a stopped lab); removed by stop() only if the helper made it. */
  dir?: string;
}

export interface TestLab {
  dir: string;
  status(): Promise<LabStatus>;
  instance(name: string): InstanceStatus;
  password(name: string): string;
  mssqlConfig(name: string, mode?: EncryptionMode, extra?: Partial<MssqlConfig>): MssqlConfig;
  control<T = unknown>(request: ControlRequest): Promise<T>;
  /** `mirrorbook lab <args> --dir <this lab>` through the CLI (in this process). */
  cli(...args: string[]): Promise<CliResult>;
  /** Stops the lab; `keepDir` leaves the directory for a later start. */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

export type { CliResult, RunningCli };

export async function startTestLab(options: TestLabOptions = {}): Promise<TestLab> {
  const madeDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mirrorbook-lab-'));
  const startOptions = {
    dir,
    ...(options.witness ? { witness: true } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.edition ? { edition: options.edition } : {}),
    ...(options.site ? { site: options.site } : {}),
  };
  let running: RunningLab | null = null;
  let status: LabStatus;
  if (options.inProcess) {
    const { openLab } = await import('../../lab/control/running-lab.js');
    running = await openLab(startOptions);
    status = running.status();
  } else {
    const bundled = useBundle() ? { labProcess: join(REPO_ROOT, 'dist', 'lab-process.cjs') } : {};
    status = (await startLabProcess({ ...startOptions, ...bundled })).status;
  }
  const control = <T>(request: ControlRequest): Promise<T> => (running ? (running.control(request) as Promise<T>) : sendControl<T>(dir, request));
  const instance = (name: string): InstanceStatus => {
    const found = status.instances.find((i) => i.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new Error(`no instance ${name} in the test lab (${status.instances.map((i) => i.name).join(', ')})`);
    return found;
  };
  const password = (name: string): string => readFileSync(instance(name).passwordFile, 'utf8').trim();
  return {
    dir,
    status: async () => (status = await control<LabStatus>({ op: 'status' })),
    instance,
    password,
    mssqlConfig: (name, mode = 'trust', extra = {}) => mssqlConfigFor(instance(name), password(name), status.tlsCertFile, mode, extra),
    control,
    cli: (...args) => runCli(['lab', ...args, '--dir', dir]),
    stop: async ({ keepDir = false } = {}) => {
      if (running) await running.stop();
      else await stopLabProcess(dir);
      if (madeDir && !keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A connected pool that logs in once per connection (steps/one-login-pool.ts) and checks a pooled
 * connection by its socket: a test's own queries cost the lab no more than mirrorbook's. */
export async function openPool(config: MssqlConfig): Promise<ConnectionPool> {
  const mssql = (await import('mssql')).default;
  const { oneLoginPool } = await import('../../steps/one-login-pool.js');
  return oneLoginPool(mssql, { validateConnection: 'socket', ...config }).connect();
}

export function mssqlConfigFor(
  instance: InstanceStatus,
  password: string,
  tlsCertFile: string,
  mode: EncryptionMode,
  extra: Partial<MssqlConfig> = {},
): MssqlConfig {
  const ca = mode === 'ca' || mode === 'strict' ? readFileSync(tlsCertFile, 'utf8') : undefined;
  return {
    // The lab's certificate names localhost: CA verification needs that name.
    server: ca ? 'localhost' : instance.host,
    port: instance.port,
    user: instance.login,
    password,
    pool: { min: 0, max: 4 },
    connectionTimeout: 10_000,
    requestTimeout: 60_000,
    ...extra,
    options: {
      encrypt: mode === 'plain' ? false : mode === 'strict' ? ('strict' as unknown as boolean) : true,
      trustServerCertificate: mode === 'trust',
      ...(ca ? { cryptoCredentialsDetails: { ca } } : {}),
      ...extra.options,
    },
  };
}

let bundleIsFresh: boolean | undefined;
/** dist/ runs only when it is newer than every source file, as after `npm test`'s build; else the
 * source runs through tsx. */
function useBundle(): boolean {
  bundleIsFresh ??= freshBundle(REPO_ROOT);
  return bundleIsFresh;
}

/** How to start the CLI: the fresh bundle, else the source through tsx. */
export function cliCommand(): string[] {
  return useBundle() ? [join(REPO_ROOT, 'dist', 'cli.js')] : ['--import', 'tsx', join(REPO_ROOT, 'cli', 'main.ts')];
}

export interface CliOptions {
  /** Resolve `reached` once stdout matches this (to fault a run midway). */
  until?: RegExp;
}

/** Starts the CLI as a process of its own (the fresh bundle, else the source): for what only a
 * process shows — its signals, its exit, its pipes, what it loads, how it was invoked. */
export function startCliProcess(args: string[], env: NodeJS.ProcessEnv = {}, { until = /(?!)/ }: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let hit: () => void = () => {};
  const reached = new Promise<void>((resolve) => (hit = resolve));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (until.test(stdout)) hit();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
  });
  return {
    reached: Promise.race([reached, done.then(() => undefined)]),
    done,
    output: () => stdout,
    interrupt: (signal: NodeJS.Signals = 'SIGINT') => void child.kill(signal),
  };
}

/** Starts the CLI in this process with what the spawned one would have: its environment, folder
 * and invocation (so the commands it prints read the same). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, { until }: CliOptions = {}): RunningCli {
  const command = cliCommand();
  return startInProcess(args, {
    env: { ...process.env, NO_COLOR: '1', ...env },
    cwd: REPO_ROOT,
    invocation: { script: command.at(-1), execArgv: command.slice(0, -1) },
    ...(until ? { until } : {}),
  });
}

/** Runs the CLI in this process (startCli). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

/** Runs the CLI as a process of its own (startCliProcess). */
export function runCliProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCliProcess(args, env).done;
}

export type TsqlEncryption = 'off' | 'request' | 'require';

/** Runs FreeTDS `tsql` against an instance with `input` (T-SQL with `go` lines) on stdin. */
export function runTsql(instance: InstanceStatus, password: string, input: string, encryption: TsqlEncryption = 'off'): Promise<CliResult> {
  const confDir = mkdtempSync(join(tmpdir(), 'mirrorbook-freetds-'));
  const conf = join(confDir, 'freetds.conf');
  writeFileSync(conf, `[lab]\n\thost = 127.0.0.1\n\tport = ${instance.port}\n\ttds version = 7.4\n\tencryption = ${encryption}\n\tclient charset = UTF-8\n`);
  return new Promise((resolveRun, reject) => {
    const child = spawn('tsql', ['-S', 'lab', '-U', instance.login, '-P', password], {
      env: { ...process.env, FREETDSCONF: conf },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      rmSync(confDir, { recursive: true, force: true });
      reject(error.code === 'ENOENT' ? new Error('FreeTDS tsql is not installed: apt-get install -y freetds-bin') : error);
    });
    child.on('close', (code) => {
      rmSync(confDir, { recursive: true, force: true });
      resolveRun({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input.endsWith('\n') ? input + 'exit\n' : input + '\nexit\n');
  });
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
