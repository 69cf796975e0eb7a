// Runs every test file in its own process, so a file that hangs or crashes is counted as failed
// instead of silently ending the run — except the files that run wholly in this process (no child
// process, no lab process, no process-wide state): those run together, in two batches
// (test/helpers/unit-batch.mjs), sparing each its own node start. The files run from one esbuild
// bundle of them (test/helpers/test-bundle.mjs: built before the first file starts, ~2 s, and
// reused until a source changes), so a process loads a few dozen chunks instead of resolving and
// transforming 200–400 TypeScript modules (0.02–0.2 s less CPU a process, ~0.5 s a batch), and
// starts with no module hooks (see nodeArgs: their thread costs a process ~80 ms of CPU).
// MIRRORBOOK_TEST_BUNDLE=0 (or a failed build) runs them from their sources through ts-loader (not
// tsx: ~0.4 s less CPU a process). Prints the closing line `N passed, N failed, N skipped` that CI
// reads, and fails when no test ran at all. Before it, the files by wall time with the CPU time
// each used (its processes included): where the time goes.
//
// Scheduling: many files mostly wait (on a lab's mirroring, a poll, a terminal), so running as many
// files as cores would leave the cores idle. Each file's CPU rate (CPU s / wall s) the last time it
// ran is its expected load; files start longest first while the expected loads of those running fit
// the cores (one file always runs) and, past one file per core, while the machine shows that much CPU
// idle; at most three per core. The times come from the previous run
// (node_modules/.cache/mirrorbook/test-times.json, written at the end of each run), else from the
// committed test/expected-times.json (a clean clone; refresh it by copying the cache after an idle
// full run), else a guess from what the file starts. MIRRORBOOK_TEST_CONCURRENCY=N runs exactly N
// files at a time instead, longest first. What several files need made once (the set-up pair, the
// crash bundle: test/helpers/prepare.ts) is made first, beside the files that do not need it; the
// files that do start once it is there, instead of holding their share of the cores while they wait.
// Usage: node test/run.mjs [substring …]   (only files whose path contains one of the substrings)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { testBundle } from './helpers/test-bundle.mjs';

const root = new URL('..', import.meta.url).pathname;
// A guard against a hung file, not a time limit: the longest file takes ~80 s alone and near 300 s
// on a machine loaded fourfold.
const FILE_TIMEOUT_MS = Number(process.env.MIRRORBOOK_TEST_FILE_TIMEOUT_MS ?? 600_000);
const CORES = availableParallelism();
const FIXED_CONCURRENCY = process.env.MIRRORBOOK_TEST_CONCURRENCY ? Number(process.env.MIRRORBOOK_TEST_CONCURRENCY) : undefined;
if (FIXED_CONCURRENCY !== undefined && !(Number.isInteger(FIXED_CONCURRENCY) && FIXED_CONCURRENCY > 0)) {
  console.error(`MIRRORBOOK_TEST_CONCURRENCY must be a whole number of files at a time (1 or more), not '${process.env.MIRRORBOOK_TEST_CONCURRENCY}'`);
  process.exit(2);
}
const MAX_AT_ONCE = FIXED_CONCURRENCY ?? CORES * 3;
const TIMES_CACHE = join(root, 'node_modules', '.cache', 'mirrorbook', 'test-times.json');
const TIMES_COMMITTED = join(root, 'test', 'expected-times.json');
/** The key under which the times hold one in-process file's share of its batch. */
const IN_PROCESS_FILE = '(in-process file)';
const filters = process.argv.slice(2);

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : findTests(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = findTests(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

/** What makes a test file need a process of its own: it (or a test helper it imports) starts
 * processes, or changes what the whole process shares (environment, signal handlers, exit). */
const OWN_PROCESS =
  /child_process|startTestLab|Harness|pair-lab|tmux|runDist|requireDist|spawn|\bfork\(|process\.env\.\w+\s*=|delete process\.env|process\.on\(|process\.kill|process\.exit|worker_threads/;

/** The test-side files `file` imports, itself included, and the command-line code (cli/) they load: a
 * command may claim the signals or exit (the rest of the product code starts nothing by itself). */
function testSources(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  // Imports and re-exports that load a module (`import type` loads nothing), and dynamic imports.
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:^(?:import|export) (?!type\b)[^;]*?from |\bimport\()'(\.[^']+)'/gms)) {
    const base = resolve(dirname(file), m[1]).replace(/\.js$/, '');
    const found = [`${base}.ts`, `${base}.tsx`, `${base}.mjs`].find((c) => existsSync(c));
    if (found && [join(root, 'test'), join(root, 'cli')].some((dir) => found.startsWith(dir + '/'))) testSources(found, seen);
  }
  return seen;
}

const sourcesText = (file) => [...testSources(join(root, file))].map((f) => readFileSync(f, 'utf8')).join('\n');
const inProcess = (file) => !OWN_PROCESS.test(sourcesText(file));

/** What makes a test file wait for test/helpers/prepare.ts: it starts from the set-up pair or runs a
 * crash matrix (whose bundle prepare builds too). */
const NEEDS_PREPARED = /startSetUpPair|startMatrix/;
const needsPrepared = (file) => NEEDS_PREPARED.test(sourcesText(file));
const PREPARE = 'test/helpers/prepare.ts';

/** Seconds of wall and CPU per file, as [wall, cpu], from the last run or the committed list. */
function readTimes(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}
const committedTimes = readTimes(TIMES_COMMITTED);
const cachedTimes = readTimes(TIMES_CACHE);
const knownTimes = { ...committedTimes, ...cachedTimes };

/** A file no run has timed yet: one with a lab mostly waits on it; anything else is a short CPU-bound file. */
function guessTimes(file) {
  return /startTestLab|pair-lab|monitor-lab|tmux/.test(sourcesText(file)) ? [20, 8] : [3, 3];
}

function expected(item) {
  const [wall, cpu] = Array.isArray(item)
    ? (knownTimes[IN_PROCESS_FILE] ?? [0.3, 0.25]).map((s) => s * item.length)
    : (knownTimes[item] ?? (item === PREPARE ? [15, 12] : guessTimes(item)));
  return { wall, rate: Math.min(CORES, Math.max(0.05, cpu / Math.max(wall, 0.1))) };
}

const BATCH_RUNNER = 'test/helpers/unit-batch.mjs';
const inBundle = (path, bundle) => join(bundle, path.replace(/\.(tsx?|mjs)$/, '.js'));

/** Node's arguments for `file` (a batch: its files). From the test bundle, with no module hooks: the
 * bundle holds the sources, mssql's one-file bundle and uvu with its rewrite; its inline source maps
 * point stack traces at the .ts lines. A TypeScript file loaded at run time (a procedure module named
 * by MIRRORBOOK_RUNBOOKS, an import of a computed path) would be a second copy of modules the bundle
 * holds: Node refuses it — Node 22 and later would strip its types and load it, so not there either.
 * From the sources: through ts-loader and uvu's rewrite as it loads (hook-errors.mjs). */
function nodeArgs(file, bundle) {
  const cpuTime = ['--import', './test/helpers/cpu-time.mjs'];
  if (!bundle)
    return [
      '--import',
      './test/helpers/ts-loader.mjs',
      ...cpuTime,
      '--import',
      './test/helpers/hook-errors.mjs',
      ...(Array.isArray(file) ? [BATCH_RUNNER, ...file] : [file]),
    ];
  return [
    '--enable-source-maps',
    ...(process.allowedNodeEnvironmentFlags.has('--experimental-strip-types') ? ['--no-experimental-strip-types'] : []),
    ...cpuTime,
    ...(Array.isArray(file) ? [inBundle(BATCH_RUNNER, bundle), '--from', bundle, ...file] : [inBundle(file, bundle)]),
  ];
}

/** The environment every file runs in, and through it every process a file starts (labs, the CLI).
 * A test only ever connects to a lab, whose certificate its config names (caFile) or which it does
 * not check: the processes trust that certificate alone, not the ~140 root certificates Node bundles
 * (OpenSSL's store, through --use-openssl-ca, pointed at no file), which Node 20 parses in every
 * process that makes a TLS context (~20 ms of CPU, ~700 processes a run); NODE_EXTRA_CA_CERTS,
 * which Node parses as every process starts (~40 ms), is left out. The product's code is unchanged:
 * with caFile it builds the same context, from a smaller store (no test could trust a public CA: the
 * tests reach no server but the labs). */
const NO_CA_STORE = join(tmpdir(), 'mirrorbook-tests-trust-no-public-ca');
const { NODE_EXTRA_CA_CERTS: _extraCAs, ...inherited } = process.env;
const fileEnv = {
  ...inherited,
  // Node refuses --use-openssl-ca beside --use-bundled-ca.
  NODE_OPTIONS: [...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter((o) => o && o !== '--use-bundled-ca'), '--use-openssl-ca'].join(' '),
  SSL_CERT_FILE: NO_CA_STORE,
  SSL_CERT_DIR: NO_CA_STORE,
};

function runFile(file, bundle) {
  const batch = Array.isArray(file) ? file : undefined;
  const label = batch ? `${batch.length} in-process files (${batch[0]} …)` : file === PREPARE ? `${PREPARE} (the set-up pair, the crash bundle)` : file;
  return new Promise((resolve) => {
    const started = Date.now();
    // What a lab command remembers (cli/last-lab.ts) stays with this file: not in the home, not shared.
    const stateHome = mkdtempSync(join(tmpdir(), 'mirrorbook-state-'));
    const child = spawn(process.execPath, nodeArgs(file, bundle), {
      cwd: root,
      env: { ...fileEnv, NO_COLOR: '1', FORCE_COLOR: '0', MIRRORBOOK_STATE_HOME: stateHome },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // A batch holds dozens of files, each well under the budget of one.
    const timeoutMs = batch ? FILE_TIMEOUT_MS * 2 : FILE_TIMEOUT_MS;
    const timer = setTimeout(() => {
      out += `\n[test/run] ${label} did not finish within ${timeoutMs} ms; killed\n`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(stateHome, { recursive: true, force: true });
      const text = stripVTControlCharacters(out);
      const num = (label) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN);
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped') || 0;
      let failed;
      if (file === PREPARE)
        failed = code === 0 ? 0 : 1; // no tests: its exit says whether it made them
      else if (Number.isNaN(total) || Number.isNaN(passed))
        failed = 1; // no summary: crashed or hung
      else failed = total - passed - skipped;
      if (code !== 0 && failed === 0) failed = 1; // exit code says something went wrong after the summary
      const cpuMs = Number(/\[cpu-ms\] (\d+)/.exec(text)?.[1] ?? NaN);
      // Timed on a machine busy with more than this suite, the wall says little about the file.
      const quiet = loadavg()[0] <= 2 * CORES;
      resolve({
        item: file,
        file: label,
        text,
        code,
        signal,
        passed: Number.isNaN(passed) ? 0 : passed,
        failed,
        skipped,
        ms: Date.now() - started,
        cpuMs,
        quiet,
      });
    });
  });
}

function report(r) {
  const mark = r.failed ? 'FAIL' : 'ok  ';
  console.log(`${mark} ${r.file}  ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}  (${(r.ms / 1000).toFixed(1)} s)`);
  if (r.failed)
    console.log(
      r.text
        .split('\n')
        .map((l) => '     | ' + l)
        .join('\n'),
    );
}

/** The lines of a file's output from its first failure on, at most 12. */
function firstFailure(text) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /FAIL|Error|✘/.test(l));
  return lines
    .slice(Math.max(0, at), Math.max(0, at) + 12)
    .map((l) => '     | ' + l)
    .join('\n');
}

/** Idle CPU in cores over the last two seconds, from /proc/stat (Infinity where there is none). */
function idleMeter() {
  const samples = [];
  const sample = () => {
    try {
      const ticks = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
      samples.push({ idle: ticks[3] + (ticks[4] ?? 0), total: ticks.reduce((a, b) => a + b, 0) });
      if (samples.length > 5) samples.shift();
    } catch {
      // No /proc: the expected loads alone decide.
    }
  };
  sample();
  const idleCores = () => {
    if (samples.length === 0) return Infinity;
    const [first, last] = [samples[0], samples.at(-1)];
    return last.total > first.total ? (CORES * (last.idle - first.idle)) / (last.total - first.total) : 0;
  };
  return { sample, idleCores };
}

/** Runs the items longest first; a new one starts while the expected loads of those running leave it
 * room — and, beyond one file per core, while the machine shows that room idle (its other work, or a
 * file busier than its times said, counts too). */
function runAll(items, bundle) {
  // The preparation first, however short; the files that need it wait for it (and then go longest
  // first with the rest), while the others keep the cores busy.
  const pending = items
    .map((item) => ({ item, ...expected(item), waitsForPrepare: item !== PREPARE && !Array.isArray(item) && needsPrepared(item) }))
    .sort((a, b) => (b.item === PREPARE) - (a.item === PREPARE) || b.wall - a.wall);
  let prepared = !items.includes(PREPARE);
  const running = new Set();
  const results = [];
  const meter = idleMeter();
  let most = 0;
  let lastBeyondCores = 0;
  return new Promise((done) => {
    const fits = (p, load) => {
      if (p.waitsForPrepare && !prepared) return false;
      if (FIXED_CONCURRENCY !== undefined || running.size === 0) return true;
      if (load + p.rate > CORES) return false;
      // The meter looks two seconds back: a file started past one per core shows in it before the next.
      return running.size < CORES || (Date.now() - lastBeyondCores >= 2_000 && meter.idleCores() >= Math.max(0.25, p.rate));
    };
    const fill = () => {
      while (running.size < MAX_AT_ONCE && pending.length > 0) {
        const load = [...running].reduce((sum, p) => sum + p.rate, 0);
        const next = pending.findIndex((p) => fits(p, load));
        if (next < 0) break;
        const [picked] = pending.splice(next, 1);
        if (running.size >= CORES) lastBeyondCores = Date.now();
        running.add(picked);
        most = Math.max(most, running.size);
        runFile(picked.item, bundle).then((r) => {
          running.delete(picked);
          if (picked.item === PREPARE) prepared = true;
          results.push(r);
          report(r);
          if (running.size === 0 && pending.length === 0) {
            clearInterval(ticker);
            done({ results, most });
          } else fill();
        });
      }
    };
    // Idle cores show between files' ends too.
    const ticker = setInterval(() => {
      meter.sample();
      fill();
    }, 500);
    if (pending.length === 0) {
      clearInterval(ticker);
      done({ results, most });
    } else fill();
  });
}

/** This run's times over the previous ones, for the next run's order (failed files, and files timed
 * while other work loaded the machine, keep their old times). */
function saveTimes(results) {
  const times = { ...cachedTimes };
  for (const r of results) {
    if (r.failed || !r.quiet || Number.isNaN(r.cpuMs)) continue;
    const n = Array.isArray(r.item) ? r.item.length : 1;
    times[Array.isArray(r.item) ? IN_PROCESS_FILE : r.item] = [r.ms, r.cpuMs].map((ms) => Math.round(ms / n / 10) / 100);
  }
  try {
    mkdirSync(dirname(TIMES_CACHE), { recursive: true });
    const temp = `${TIMES_CACHE}.${process.pid}`;
    const lines = Object.keys(times)
      .sort()
      .map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(times[k]).replace(',', ', ')}`);
    writeFileSync(temp, `{\n${lines.join(',\n')}\n}\n`);
    renameSync(temp, TIMES_CACHE);
  } catch {
    // A read-only checkout: the next run orders by the committed times.
  }
  return results.filter((r) => !r.failed && !r.quiet).length;
}

/** The test bundle's directory, or undefined: MIRRORBOOK_TEST_BUNDLE=0, or a build that failed (each
 * file then reports its own error, from its source). */
async function bundleOf(entries) {
  if (process.env.MIRRORBOOK_TEST_BUNDLE === '0' || entries.length === 0) return undefined;
  try {
    return await testBundle(root, entries);
  } catch (error) {
    console.log(`[test/run] the test files could not be bundled, so they run from their sources:\n${error.message ?? error}\n`);
    return undefined;
  }
}

const batched = files.filter(inProcess);
const half = Math.ceil(batched.length / 2);
const batches = batched.length > 1 ? [batched.slice(0, half), batched.slice(half)].filter((b) => b.length) : [];
const began = Date.now();
const unbatched = files.filter((f) => !batches.flat().includes(f));
const items = [...(unbatched.some(needsPrepared) ? [PREPARE] : []), ...batches, ...unbatched];
const bundle = await bundleOf([...(batches.length ? [BATCH_RUNNER] : []), ...items.flat()]);
const bundled = Date.now() - began;
const { results, most } = await runAll(items, bundle);
const busy = saveTimes(results);

const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const seconds = (ms) => (Number.isNaN(ms) ? '   —' : (ms / 1000).toFixed(1).padStart(6));
console.log(`\nper file, slowest first (wall s, CPU s incl. child processes):`);
for (const r of [...results].sort((a, b) => b.ms - a.ms)) console.log(`  ${seconds(r.ms)} ${seconds(r.cpuMs)}  ${r.file}`);
console.log(`  ${seconds(sum('ms'))} ${seconds(results.reduce((n, r) => n + (Number.isNaN(r.cpuMs) ? 0 : r.cpuMs), 0))}  total over ${results.length} files`);
console.log(`  ${seconds(bundled)}         ${bundle ? 'the test bundle, before the first file' : 'no test bundle: the files ran from their sources'}`);
console.log(`  ${seconds(Date.now() - began)}         the run, on ${CORES} cores, up to ${most} files at once (load average now ${loadavg()[0].toFixed(1)})`);
if (busy) console.log(`  (${busy} files ended while the load average was above ${2 * CORES}: their times are not kept for the next run's order)`);
const failures = results.filter((r) => r.failed);
if (failures.length) {
  // Again at the end, briefly, so that the tail of a long log names every failure.
  console.log(`\nfailed, again (each file's first failure; the whole output is above):`);
  for (const r of failures) console.log(`FAIL ${r.file}\n${firstFailure(r.text)}`);
}
console.log('');
const passed = sum('passed');
const failed = sum('failed');
const skipped = sum('skipped');
if (passed + failed === 0) console.log('no tests ran');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
