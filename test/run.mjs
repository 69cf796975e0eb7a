// Runs every test file in its own process (two at a time: CI has 2 cores), so a file that hangs or
// crashes is counted as failed instead of silently ending the run — except the files that run
// wholly in this process (no child process, no lab process, no process-wide state): those run
// together, in two batches (test/helpers/unit-batch.mjs), sparing each its own node + tsx start. Prints the closing line
// `N passed, N failed, N skipped` that CI reads, and fails when no test ran at all. Before it, the
// files by wall time with the CPU time each used (its processes included): where the time goes.
// Usage: node test/run.mjs [substring …]   (only files whose path contains one of the substrings)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const FILE_TIMEOUT_MS = Number(process.env.MIRRORBOOK_TEST_FILE_TIMEOUT_MS ?? 300_000);
const CONCURRENCY = Number(process.env.MIRRORBOOK_TEST_CONCURRENCY ?? 2);
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
  /child_process|startTestLab|Harness|pair-lab|tmux|runDist|requireDist|spawn|\bfork\(|process\.env\.\w+\s*=|delete process\.env|process\.on\(|process\.kill|process\.exit|worker_threads|\.\.\/\.\.\/cli\//;

/** The test-side files `file` imports, itself included (the product code they reach starts nothing by itself). */
function testSources(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
    const base = resolve(dirname(file), m[1]).replace(/\.js$/, '');
    const found = [`${base}.ts`, `${base}.tsx`, `${base}.mjs`].find((c) => existsSync(c));
    if (found && found.startsWith(join(root, 'test'))) testSources(found, seen);
  }
  return seen;
}

const inProcess = (file) => ![...testSources(join(root, file))].some((f) => OWN_PROCESS.test(readFileSync(f, 'utf8')));

function runFile(file) {
  const batch = Array.isArray(file) ? file : undefined;
  const label = batch ? `${batch.length} in-process files (${batch[0]} …)` : file;
  return new Promise((resolve) => {
    const started = Date.now();
    const args = batch ? ['test/helpers/unit-batch.mjs', ...batch] : [file];
    // What a lab command remembers (cli/last-lab.ts) stays with this file: not in the home, not shared.
    const stateHome = mkdtempSync(join(tmpdir(), 'mirrorbook-state-'));
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/helpers/cpu-time.mjs', ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', MIRRORBOOK_STATE_HOME: stateHome },
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
      if (Number.isNaN(total) || Number.isNaN(passed))
        failed = 1; // no summary: crashed or hung
      else failed = total - passed - skipped;
      if (code !== 0 && failed === 0) failed = 1; // exit code says something went wrong after the summary
      const cpuMs = Number(/\[cpu-ms\] (\d+)/.exec(text)?.[1] ?? NaN);
      resolve({ file: label, text, code, signal, passed: Number.isNaN(passed) ? 0 : passed, failed, skipped, ms: Date.now() - started, cpuMs });
    });
  });
}

const batched = files.filter(inProcess);
const half = Math.ceil(batched.length / 2);
const batches = batched.length > 1 ? [batched.slice(0, half), batched.slice(half)].filter((b) => b.length) : [];
const results = [];
// The batches first: they are the longest items, and two of them keep both cores busy.
const queue = [...batches, ...files.filter((f) => !batches.flat().includes(f))];
async function worker() {
  for (let file = queue.shift(); file; file = queue.shift()) {
    const r = await runFile(file);
    results.push(r);
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
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));

const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const seconds = (ms) => (Number.isNaN(ms) ? '   —' : (ms / 1000).toFixed(1).padStart(6));
console.log(`\nper file, slowest first (wall s, CPU s incl. child processes):`);
for (const r of [...results].sort((a, b) => b.ms - a.ms)) console.log(`  ${seconds(r.ms)} ${seconds(r.cpuMs)}  ${r.file}`);
console.log(`  ${seconds(sum('ms'))} ${seconds(results.reduce((n, r) => n + (Number.isNaN(r.cpuMs) ? 0 : r.cpuMs), 0))}  total over ${results.length} files\n`);
const passed = sum('passed');
const failed = sum('failed');
const skipped = sum('skipped');
if (passed + failed === 0) console.log('no tests ran');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
