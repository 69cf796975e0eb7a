// Runs the real CLI in a child process against the ledger test procedure, in a temporary directory
// of its own: the store, the fixture's facts and ledger.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import type { Store } from '../../store/types.js';
import { ledgerLines } from '../fixtures/runbooks/ledger.js';
import { buildCrashBundle, type CrashBundle } from '../proof/crash-bundle.js';

/** The CLI and the ledger bundled (once per suite: test/helpers/built-once.ts). */
let ledgerBundle: Promise<CrashBundle> | undefined;

const root = new URL('../..', import.meta.url).pathname;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  exit: Promise<Exit>;
}

/** How the sources' CLI starts (the hooks the test processes use, not tsx: ~0.4 s of CPU less), and
 * so how its hints spell a mirrorbook command. */
export const SOURCE_CLI = ['--import', './test/helpers/ts-loader.mjs', 'cli/main.ts'];
export const SOURCE_INVOCATION = `node ${SOURCE_CLI.join(' ')}`;

export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'mirrorbook-engine-'));
  readonly fixtureDir = join(this.dir, 'fx');
  readonly storePath = join(this.dir, 'state.db');

  /** With `bundle` (the CLI and the ledger bundled, test/proof/crash-bundle.ts), each process starts
   * from it: for files that start many. Without, from the sources through test/helpers/ts-loader.mjs. */
  constructor(private readonly bundle?: CrashBundle) {}

  /** A harness whose processes start from the CLI and the ledger bundled (~0.2 s of CPU each, not
   * ~0.5 s from the sources), for a file that proves nothing about how the CLI was invoked. */
  static async bundled(): Promise<Harness> {
    ledgerBundle ??= buildCrashBundle('test/fixtures/runbooks/ledger.ts');
    return new Harness(await ledgerBundle);
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MIRRORBOOK_RUNBOOKS: this.bundle?.source ?? 'test/fixtures/runbooks/ledger.ts',
      MB_FIXTURE_DIR: this.fixtureDir,
      MIRRORBOOK_STORE: this.storePath,
      NO_COLOR: '1',
      ...extra,
    };
    delete env.MIRRORBOOK_CONFIG;
    return env;
  }

  start(args: string[], extraEnv: Record<string, string> = {}): Started {
    const child = spawn(process.execPath, [...(this.bundle ? [this.bundle.cli] : SOURCE_CLI), ...args], {
      cwd: root,
      env: this.env(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exit = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { child, exit };
  }

  run(args: string[], extraEnv: Record<string, string> = {}): Promise<Exit> {
    return this.start(args, extraEnv).exit;
  }

  /** Polls for a file the fixture writes when it reaches a named point; fails if the process ends first. */
  async waitForFile(name: string, started: Started): Promise<string> {
    const path = join(this.fixtureDir, name);
    let ended: Exit | undefined;
    void started.exit.then((e) => {
      ended = e;
    });
    for (;;) {
      if (existsSync(path)) {
        const text = readFileSync(path, 'utf8');
        if (text) return text;
      }
      if (ended) throw new Error(`process ended (code ${ended.code}) before ${name} appeared:\n${ended.stdout}\n${ended.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Runs `run ledger` until the fixture halts at `label`, then SIGKILLs it. */
  async killAt(label: string, args: string[] = ['run', 'ledger', '--yes', '--confirm', 'Patriot']): Promise<void> {
    const started = this.start(args, { MB_FIXTURE_HALT_AT: label });
    await this.waitForFile('halted-at', started);
    started.child.kill('SIGKILL');
    const exit = await started.exit;
    if (exit.signal !== 'SIGKILL') throw new Error(`expected SIGKILL, got ${exit.code}/${exit.signal}`);
    rmSync(join(this.fixtureDir, 'halted-at'));
  }

  ledger(): string[] {
    return ledgerLines(this.fixtureDir);
  }

  withStore<T>(fn: (store: Store) => T): T {
    const store = openStore(this.storePath);
    try {
      return fn(store);
    } finally {
      store.close();
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function runIdOf(output: string): string {
  const id = /run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(output)?.[1];
  if (!id) throw new Error(`no run id in:\n${output}`);
  return id;
}
