// The crash matrix over the real procedures: two labs go through the same life, one uninterrupted,
// one whose runner is SIGKILLed at every boundary of every procedure and resumed. After each
// procedure both labs must look the same to a DBA, have received the same statements that change a
// server (as many times each), and the crashed side's audit chain must verify and name every such
// statement its lab received.
//
// A *rolling* chain keeps it cheap: the runner halts at the first boundary no earlier process of
// the chain halted at (crash-source.ts), is killed there, and the resume halts at the next one — one
// process per boundary, every boundary once.

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { REPO_ROOT, type CliResult } from '../helpers/lab.js';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';
import { buildCrashBundle, type CrashBundle } from './crash-bundle.js';
import { catalogDifferences, dumpCatalog } from './crash-catalog.js';
import { changesServer, comparable } from './crash-statements.js';

export interface Side {
  name: 'uninterrupted' | 'crashed';
  pair: PairLab;
  store: string;
  crashDir: string;
  /** The CLI from the crash bundle with this lab's config and store. */
  start(args: string[], env?: Record<string, string>): { child: ChildProcess; exit: Promise<CliResult> };
  cli(...args: string[]): Promise<CliResult>;
}

export interface Received {
  instance: string;
  ts: string;
  sql: string;
}

export interface Matrix {
  uninterrupted: Side;
  crashed: Side;
  instances: string[];
  /** Runs `procedure` on both sides (killed at every boundary on one) and returns what differs;
   * `instances` are those whose catalogs are compared (default: every reachable one). */
  procedure(name: string, options?: { confirm?: string; instances?: string[] }): Promise<{ problems: string[]; kills: string[] }>;
  /** Something both sides do alike between procedures (a setup, a fault, a service-account change). */
  both(action: (side: Side) => Promise<void>): Promise<void>;
  /** Runs the CLI on both sides, uninterrupted; throws unless both exit 0. */
  prepare(...args: string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface MatrixOptions {
  witness?: boolean;
  /** Appended to both sides' mirrorbook.yaml. */
  config?: string;
}

function side(name: Side['name'], pair: PairLab, bundle: CrashBundle, extraConfig?: string): Side {
  const store = join(pair.lab.dir, 'state.db');
  const crashDir = join(pair.lab.dir, 'crash');
  mkdirSync(crashDir, { recursive: true });
  if (extraConfig) appendFileSync(pair.config, extraConfig);
  const start = (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [bundle.cli, ...args, '--config', pair.config, '--store', store, '--plain'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', MIRRORBOOK_POLL_MS: '50', MIRRORBOOK_RUNBOOKS: bundle.source, CRASH_DIR: crashDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
    return { child, exit };
  };
  return { name, pair, store, crashDir, start, cli: (...args) => start(args).exit };
}

/** Every statement that changes a server which mirrorbook sent to `instance`, in order. */
export function received(pair: PairLab, instance: string): Received[] {
  const file = join(pair.lab.dir, 'logs', `${instance}.ndjson`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line) as { ts: string; app: string; sql?: string; errors?: unknown[] })
    .filter((b) => b.app === 'mirrorbook' && typeof b.sql === 'string' && changesServer(b.sql))
    .map((b) => ({ instance, ts: b.ts, sql: comparable(b.sql!) }));
}

function tail(text: string, n = 2500): string {
  return text.length > n ? '…' + text.slice(-n) : text;
}

interface Chain {
  kills: { key: string; at: string }[];
  problem?: string;
}

/** Run, kill at the next untested boundary, resume, … until a process ends by itself. */
async function crashChain(s: Side, procedure: string, confirm?: string): Promise<Chain> {
  const confirmArgs = confirm ? ['--confirm', confirm] : [];
  const kills: Chain['kills'] = [];
  const halted = join(s.crashDir, 'halted-at');
  for (let n = 0; n < 1000; n++) {
    const args = n === 0 ? ['run', procedure, '--yes', ...confirmArgs] : ['resume', '--yes', ...confirmArgs];
    const { child, exit } = s.start(args, { CRASH_HALT: '1' });
    let ended: CliResult | undefined;
    void exit.then((e) => (ended = e));
    while (!ended && !existsSync(halted)) await new Promise((r) => setTimeout(r, 5));
    const key = existsSync(halted) ? readFileSync(halted, 'utf8') : '';
    if (key) {
      child.kill('SIGKILL');
      await exit;
      rmSync(halted);
      kills.push({ key, at: new Date().toISOString() });
      continue;
    }
    const result = ended ?? (await exit);
    if (result.code === 0) return { kills };
    // Killed right after the run's last commit: the run is over and a resume says so.
    if (n > 0 && /already finished/.test(result.stderr) && latestRunStatus(s) === 'done') return { kills };
    const after = kills.length ? `after the kill at ${kills[kills.length - 1]!.key}` : 'without a kill';
    return { kills, problem: `${procedure}: \`${args.join(' ')}\` ${after} exited ${result.code}:\n${tail(result.stdout)}\n${tail(result.stderr)}` };
  }
  return { kills, problem: `${procedure}: still halting after 1000 kills` };
}

function latestRunStatus(s: Side): string | undefined {
  const store = openStore(s.store, { readonly: true });
  try {
    return store.runs.latest()?.status;
  } finally {
    store.close();
  }
}

/** Statements one side received more (or less) often than the other, each named with the kill
 * that preceded its extra copy. */
function receivedDifferences(crashed: Received[], expected: Received[], kills: Chain['kills']): string[] {
  const count = (list: Received[]) => list.reduce((m, r) => m.set(`${r.instance}: ${r.sql}`, (m.get(`${r.instance}: ${r.sql}`) ?? 0) + 1), new Map<string, number>());
  const got = count(crashed);
  const want = count(expected);
  const problems: string[] = [];
  for (const key of new Set([...got.keys(), ...want.keys()])) {
    const g = got.get(key) ?? 0;
    const w = want.get(key) ?? 0;
    if (g === w) continue;
    const copies = crashed.filter((r) => `${r.instance}: ${r.sql}` === key);
    const extra = copies[w];
    const cause = extra ? kills.filter((k) => k.at <= extra.ts).pop() : undefined;
    problems.push(`${key} — received ${g}× instead of ${w}×${cause ? `; the extra copy came after the kill at ${cause.key}` : ''}`);
  }
  return problems;
}

/** The crashed side's audit: the chain verifies, the run ended done with no intent in doubt, and
 * every statement its lab received is named (with its server) by a statement record or by the
 * intent of the apply that sent it (a kill inside an apply loses the staged statement record). */
async function auditProblems(s: Side, procedure: string, got: Received[]): Promise<string[]> {
  const problems: string[] = [];
  const verify = await s.cli('audit', 'verify');
  if (verify.code !== 0) problems.push(`${procedure}: audit verify exited ${verify.code}: ${verify.stdout}${verify.stderr}`);
  const store = openStore(s.store, { readonly: true });
  try {
    const run = store.runs.latest()!;
    if (run.procedure !== procedure || run.status !== 'done') problems.push(`${procedure}: the latest run is ${run.procedure} ${run.status}`);
    const inDoubt = store.journal.inDoubt(run.id);
    if (inDoubt.length) problems.push(`${procedure}: intents left in doubt: ${inDoubt.map((e) => e.stepId).join(', ')}`);
    const named = new Set<string>();
    for (const r of store.runs.list({ limit: 1000 })) {
      for (const a of store.audit.forRun(r.id)) {
        if (!a.sql || !a.server || (a.kind !== 'statement' && a.kind !== 'intent')) continue;
        const statements = a.kind === 'intent' ? a.sql.split('\n') : [a.sql];
        for (const sql of statements) named.add(`${a.server}: ${comparable(sql)}`);
      }
    }
    for (const r of got) if (!named.has(`${r.instance}: ${r.sql}`)) problems.push(`${procedure}: ${r.instance} received \`${r.sql}\` and no audit record names it`);
  } finally {
    store.close();
  }
  return problems;
}

/** Both sides' catalogs, read again while they differ (mirroring states settle on a timer). */
async function settledDifferences(a: Side, b: Side, instances: string[]): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [crashed, expected] = await Promise.all([dumpCatalog(a.pair.lab, instances), dumpCatalog(b.pair.lab, instances)]);
    const differences = catalogDifferences(crashed, expected);
    if (!differences.length || Date.now() > deadline) return differences;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startMatrix(options: MatrixOptions = {}): Promise<Matrix> {
  const [bundle, pairA, pairB] = await Promise.all([buildCrashBundle(), startPairLab(options.witness ? { witness: true } : {}), startPairLab(options.witness ? { witness: true } : {})]);
  const uninterrupted = side('uninterrupted', pairA, bundle, options.config);
  const crashed = side('crashed', pairB, bundle, options.config);
  const instances = options.witness ? ['SQLPRI01', 'SQLMIR01', 'SQLWIT01'] : ['SQLPRI01', 'SQLMIR01'];
  const marks = (s: Side) => new Map(instances.map((i) => [i, received(s.pair, i).length]));
  const receivedSince = (s: Side, mark: Map<string, number>) => instances.flatMap((i) => received(s.pair, i).slice(mark.get(i)));
  return {
    uninterrupted,
    crashed,
    instances,
    procedure: async (name, { confirm, instances: compared = instances } = {}) => {
      const [beforeA, beforeB] = [marks(uninterrupted), marks(crashed)];
      const [plain, chain] = await Promise.all([
        uninterrupted.cli('run', name, '--yes', ...(confirm ? ['--confirm', confirm] : [])),
        crashChain(crashed, name, confirm),
      ]);
      const kills = chain.kills.map((k) => k.key);
      if (plain.code !== 0) return { kills, problems: [`${name}: the uninterrupted run exited ${plain.code}:\n${tail(plain.stdout)}\n${tail(plain.stderr)}`] };
      if (chain.problem) return { kills, problems: [chain.problem] };
      const expected = receivedSince(uninterrupted, beforeA);
      const got = receivedSince(crashed, beforeB);
      const problems = [
        ...(await settledDifferences(crashed, uninterrupted, compared)).map((d) => `${name}: lab state differs after ${kills.length} kills — ${d}`),
        ...receivedDifferences(got, expected, chain.kills).map((d) => `${name}: ${d}`),
        ...(await auditProblems(crashed, name, got)),
      ];
      return { kills, problems };
    },
    both: async (action) => {
      await Promise.all([action(uninterrupted), action(crashed)]);
    },
    prepare: async (...args) => {
      const results = await Promise.all([uninterrupted.cli(...args), crashed.cli(...args)]);
      for (const r of results) if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}:\n${tail(r.stdout)}\n${tail(r.stderr)}`);
    },
    stop: async () => {
      await Promise.all([pairA.stop(), pairB.stop()]);
      bundle.remove();
    },
  };
}
