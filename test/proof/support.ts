// What the proof tests share: the built CLI (dist/cli.js, as an operator runs it) in a child
// process, and the lab's batch logs (one NDJSON line per batch an instance received).
import { changesServer } from '../../machines/statement-kind.js';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess } from '../helpers/cli-in-process.js';
import { REPO_ROOT, type CliResult } from '../helpers/lab.js';

export const DIST_CLI = join(REPO_ROOT, 'dist', 'cli.js');

export function requireDist(): void {
  if (!existsSync(DIST_CLI)) throw new Error(`${DIST_CLI} is missing: run 'npm run build' (npm test builds it first)`);
}

/** `node dist/cli.js …args` with a clean environment plus `env`. */
export function runDist(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
    delete env.MIRRORBOOK_CONFIG;
    delete env.MIRRORBOOK_STORE;
    delete env.MIRRORBOOK_RUNBOOKS;
    const child = spawn(process.execPath, [DIST_CLI, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** The same command line run in this process (cli/dispatch.ts, as main.ts runs it): for input
 * refused before any connection, where a process of its own proves nothing more. */
export function runInProcess(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.MIRRORBOOK_CONFIG;
  delete env.MIRRORBOOK_STORE;
  delete env.MIRRORBOOK_RUNBOOKS;
  return startInProcess(args, { env, cwd: options.cwd ?? REPO_ROOT, invocation: { script: DIST_CLI, execArgv: [] } }).done;
}

/** Batches per instance in the lab's logs; with `onlyChanges`, only those that may change a
 * server (the preflight's reads are not counted). */
export function batchCounts(labDir: string, onlyChanges = false): Record<string, number> {
  const logs = join(labDir, 'logs');
  const counts: Record<string, number> = {};
  for (const file of readdirSync(logs).filter((f) => f.endsWith('.ndjson'))) {
    const lines = readFileSync(join(logs, file), 'utf8').split('\n').filter(Boolean);
    counts[file.replace(/\.ndjson$/, '')] = onlyChanges ? lines.filter((l) => changesServer((JSON.parse(l) as { sql: string }).sql)).length : lines.length;
  }
  return counts;
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
