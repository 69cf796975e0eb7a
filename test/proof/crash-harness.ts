// The crash matrix over the real procedures: three labs go through the same life. One runs each
// procedure uninterrupted; on the others the runner is SIGKILLed and resumed, on one at every
// durable commit, on the other inside every apply (after each statement that changes a server).
// After each procedure every lab must look the same to a DBA and have received the same statements
// that change a server (as many times each), and a crashed side's audit chain must verify and name
// every such statement its lab received.
//
// A *rolling* chain keeps it cheap: the runner halts at the first boundary of its kind no earlier
// process of the chain halted at (crash-source.ts), is killed there, and the resume halts at the
// next one — one process per boundary, every boundary once. Two chains, because a kill inside an
// apply is resolved by the resume's probe, so that chain never reaches the apply's outcome commit.
// CRASH_MATRIX_VERBOSE=1 prints every kill and how long its process took.

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, proveStoreFile } from '../../store/index.js';
import { REPO_ROOT, type CliResult } from '../helpers/lab.js';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';
import { buildCrashBundle, type CrashBundle } from './crash-bundle.js';
import { catalogDifferences, dumpCatalog } from './crash-catalog.js';
import { ANCHOR, carriesPassword, changesServer, comparable, isRedacted } from './crash-statements.js';
import { haltedKey } from './crash-halted.js';

export type Halt = 'commit' | 'statement';

export interface Side {
  name: 'uninterrupted' | 'killed at every commit' | 'killed inside every apply';
  /** The boundaries this side's runner is killed at, and of which part of the steps ("k/n"). */
  halt?: Halt;
  part?: string;
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
  crashed: Side[];
  instances: string[];
  /** Runs `procedure` on every side (killed at every boundary on the crashed ones) and returns what differs;
   * `instances` are those whose catalogs are compared (default: every reachable one). */
  procedure(name: string, options?: { confirm?: string; instances?: string[] }): Promise<{ problems: string[]; kills: string[] }>;
  /** Something every side does alike between procedures (a fault, a service-account change). */
  each(action: (side: Side) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface MatrixOptions {
  /** Which chains run (default both; a file may take one to stay short). */
  halts?: Halt[];
  /** Kill only at the boundaries of the k-th of n equal runs of steps ([k, n]), to share a long
   * procedure's chain out between files. */
  part?: [number, number];
  /** Appended to every side's mirrorbook.yaml. */
  config?: string;
  /** Every side starts as a copy of one pair after an uninterrupted setup (test/helpers/set-up-pair.ts)
   * instead of a fresh lab. */
  setUp?: boolean;
  /** The uninterrupted side of a matrix over `setup` is a copy of the set-up pair: its setup, run
   * once for the suite on a fresh lab, stands for the uninterrupted run (the crashed sides start
   * fresh). */
  setupReference?: boolean;
}

function side(name: Side['name'], halt: Halt | undefined, pair: PairLab, bundle: CrashBundle, options: MatrixOptions): Side {
  const extraConfig = options.config;
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
  return {
    name,
    ...(halt ? { halt } : {}),
    ...(options.part ? { part: options.part.join('/') } : {}),
    pair,
    store,
    crashDir,
    start,
    cli: (...args) => start(args).exit,
  };
}

/** Every statement that changes a server which mirrorbook sent to `instance`, in order. */
export function received(pair: PairLab, instance: string): Received[] {
  const file = join(pair.lab.dir, 'logs', `${instance}.ndjson`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { ts: string; app: string; sql?: string; errors?: unknown[] })
    .filter((b) => b.app === 'mirrorbook' && typeof b.sql === 'string' && changesServer(b.sql))
    .map((b) => ({ instance, ts: b.ts, sql: comparable(b.sql!) }));
}

function tail(text: string, n = 2500): string {
  return text.length > n ? '…' + text.slice(-n) : text;
}

const STUCK_MS = 90_000;

interface Chain {
  kills: { key: string; at: string }[];
  problem?: string;
}

/** Run, kill at the next untested boundary, resume, … until a process ends by itself. */
async function crashChain(s: Side, procedure: string, confirm?: string): Promise<Chain> {
  const confirmArgs = confirm ? ['--confirm', confirm] : [];
  const kills: Chain['kills'] = [];
  rmSync(join(s.crashDir, 'tested'), { force: true });
  for (let n = 0; n < 1000; n++) {
    const args = n === 0 ? ['run', procedure, '--yes', ...confirmArgs] : ['resume', '--yes', ...confirmArgs];
    const started = Date.now();
    const { child, exit } = s.start(args, { CRASH_HALT: s.halt!, ...(s.part ? { CRASH_PART: s.part } : {}) });
    let stuck: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      haltedAt(child),
      exit.then((ended) => ({ ended })),
      // A process that neither halts nor ends is stuck (a wait that can no longer succeed): say where.
      new Promise<{ stuck: true }>((resolve) => (stuck = setTimeout(() => resolve({ stuck: true }), STUCK_MS))),
    ]);
    clearTimeout(stuck);
    if ('stuck' in outcome) {
      child.kill('SIGKILL');
      const out = await exit;
      const after = kills.length ? `after the kill at ${kills[kills.length - 1]!.key}` : 'without a kill';
      return {
        kills,
        problem: `${procedure} (${s.name}): \`${args.join(' ')}\` ${after} neither reached a boundary nor ended in ${STUCK_MS / 1000} s:\n${tail(out.stdout)}\n${tail(out.stderr)}`,
      };
    }
    if ('key' in outcome) {
      const { key } = outcome;
      child.kill('SIGKILL');
      await exit;
      kills.push({ key, at: new Date().toISOString() });
      if (process.env.CRASH_MATRIX_VERBOSE) console.log(`${s.halt} ${Date.now() - started} ms ${key}`);
      continue;
    }
    const result = outcome.ended;
    if (result.code === 0) return { kills };
    // Killed right after the run's last commit: the run is over and a resume says so.
    if (n > 0 && /already finished/.test(result.stderr) && latestRunStatus(s) === 'done') return { kills };
    const after = kills.length ? `after the kill at ${kills[kills.length - 1]!.key}` : 'without a kill';
    return {
      kills,
      problem: `${procedure} (${s.name}): \`${args.join(' ')}\` ${after} exited ${result.code}:\n${tail(result.stdout)}\n${tail(result.stderr)}`,
    };
  }
  return { kills, problem: `${procedure} (${s.name}): still halting after 1000 kills` };
}

/** Resolves with the boundary key once `child` says it halted there (crash-source.ts). */
function haltedAt(child: ChildProcess): Promise<{ key: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const key = haltedKey(stderr);
      if (key !== undefined) resolve({ key });
    });
  });
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
  const count = (list: Received[]) =>
    list.reduce((m, r) => m.set(`${r.instance}: ${r.sql}`, (m.get(`${r.instance}: ${r.sql}`) ?? 0) + 1), new Map<string, number>());
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
function auditProblems(s: Side, procedure: string, got: Received[]): string[] {
  const problems: string[] = [];
  // What `audit verify --local` proves (it exits 0 on exactly this), without a process of its own.
  const proof = proveStoreFile(s.store);
  if (!proof.chain.ok) problems.push(`audit chain broken at #${proof.chain.firstBad.seq}: ${proof.chain.firstBad.problem} — ${proof.chain.firstBad.detail}`);
  for (const f of proof.findings) problems.push(`audit verify: ${f.problem} — ${f.detail}`);
  const store = openStore(s.store, { readonly: true });
  try {
    const run = store.runs.latest()!;
    if (run.procedure !== procedure || run.status !== 'done') problems.push(`the latest run is ${run.procedure} ${run.status}`);
    const inDoubt = store.journal.inDoubt(run.id);
    if (inDoubt.length) problems.push(`intents left in doubt: ${inDoubt.map((e) => e.stepId).join(', ')}`);
    const named = new Set<string>();
    for (const r of store.runs.list({ limit: 1000 })) {
      for (const a of store.audit.forRun(r.id)) {
        if (a.kind === 'anchor' && a.server && a.result === 'written') named.add(`${a.server}: ${ANCHOR}`);
        if (!a.sql || !a.server || (a.kind !== 'statement' && a.kind !== 'intent')) continue;
        const statements = a.kind === 'intent' ? a.sql.split('\n') : [a.sql];
        for (const sql of statements) named.add(`${a.server}: ${comparable(sql)}`);
      }
    }
    const withPassword = new Set([...named].filter(carriesPassword).map((key) => key.slice(0, key.indexOf(':'))));
    for (const r of got) {
      const isNamed = isRedacted(r.sql) ? withPassword.has(r.instance) : named.has(`${r.instance}: ${r.sql}`);
      if (!isNamed) problems.push(`${r.instance} received \`${r.sql}\` and no audit record names it`);
    }
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
  const halts = options.halts ?? ['commit', 'statement'];
  const startPair = options.setUp ? startSetUpPair : () => startPairLab();
  const [bundle, ...pairs] = await Promise.all([buildCrashBundle(), options.setupReference ? startSetUpPair() : startPair(), ...halts.map(() => startPair())]);
  const uninterrupted = side('uninterrupted', undefined, pairs[0]!, bundle, options);
  const crashed = halts.map((halt, i) =>
    side(halt === 'commit' ? 'killed at every commit' : 'killed inside every apply', halt, pairs[i + 1]!, bundle, options),
  );
  const sides = [uninterrupted, ...crashed];
  const instances = ['SQLPRI01', 'SQLMIR01'];
  const marks = (s: Side) => new Map(instances.map((i) => [i, received(s.pair, i).length]));
  /** The set-up pair's run of `setup`, once: its batch logs hold only what that run sent. */
  let referenceSetup = options.setupReference;
  const uninterruptedRun = (name: string, confirm: string | undefined): Promise<CliResult> => {
    if (!referenceSetup) return uninterrupted.cli('run', name, '--yes', ...(confirm ? ['--confirm', confirm] : []));
    if (name !== 'setup') throw new Error(`setupReference stands for an uninterrupted setup, not ${name}`);
    referenceSetup = false;
    return Promise.resolve({ code: 0, stdout: '', stderr: '' });
  };
  const receivedSince = (s: Side, mark: Map<string, number>) => instances.flatMap((i) => received(s.pair, i).slice(mark.get(i)));
  return {
    uninterrupted,
    crashed,
    instances,
    procedure: async (name, { confirm, instances: compared = instances } = {}) => {
      const before = [referenceSetup ? new Map(instances.map((i) => [i, 0])) : marks(uninterrupted), ...crashed.map(marks)];
      const [plain, ...chains] = await Promise.all([uninterruptedRun(name, confirm), ...crashed.map((s) => crashChain(s, name, confirm))]);
      const kills = chains.flatMap((c) => c.kills.map((k) => k.key));
      if (process.env.CRASH_MATRIX_VERBOSE) console.log(`${name}: ${kills.length} kills: ${kills.join(' ')}`);
      if (plain.code !== 0) return { kills, problems: [`${name}: the uninterrupted run exited ${plain.code}:\n${tail(plain.stdout)}\n${tail(plain.stderr)}`] };
      const chainProblems = chains.flatMap((c) => (c.problem ? [c.problem] : []));
      if (chainProblems.length) return { kills, problems: chainProblems };
      const expected = receivedSince(uninterrupted, before[0]!);
      const problems: string[] = [];
      for (const [i, s] of crashed.entries()) {
        const got = receivedSince(s, before[i + 1]!);
        const chain = chains[i]!;
        const where = `${name} (${s.name}, ${chain.kills.length} kills)`;
        problems.push(
          ...(await settledDifferences(s, uninterrupted, compared)).map((d) => `${where}: lab state differs — ${d}`),
          ...receivedDifferences(got, expected, chain.kills).map((d) => `${where}: ${d}`),
          ...auditProblems(s, name, got).map((d) => `${where}: ${d}`),
        );
      }
      return { kills, problems };
    },
    each: async (action) => {
      await Promise.all(sides.map(action));
    },
    stop: async () => {
      await Promise.all(pairs.map((p) => p.stop()));
    },
  };
}
