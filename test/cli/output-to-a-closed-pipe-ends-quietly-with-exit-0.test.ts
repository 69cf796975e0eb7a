// `mirrorbook … | head -1` ends quietly with exit 0 on every printing command (no EPIPE stack, no
// Node warning on stderr), whether the reader closes after one line or before the first write;
// a run whose reader goes away still finishes (the ledger has every step).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerLines } from '../fixtures/runbooks/ledger.js';
import { cliCommand, REPO_ROOT, startTestLab, type TestLab } from '../helpers/lab.js';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `mirrorbook args | reader` in bash; the exit code is mirrorbook's (PIPESTATUS), stderr its. */
function piped(args: string[], reader: string, env: NodeJS.ProcessEnv = {}, node: string[] = cliCommand()): Promise<{ code: number; stderr: string }> {
  const line = `${[process.execPath, ...node, ...args].map(quote).join(' ')} | ${reader}; exit \${PIPESTATUS[0]}`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', line], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

let lab: TestLab;
let work: string;
test.before(async () => {
  lab = await startTestLab();
  work = mkdtempSync(join(tmpdir(), 'mb-pipe-'));
});
test.after(async () => {
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('every printing command, read by head -1 and by a reader that is already gone', async () => {
  const fixtureDir = join(work, 'fx');
  const ledgerEnv = { MIRRORBOOK_RUNBOOKS: 'test/fixtures/runbooks/ledger.ts', MB_FIXTURE_DIR: fixtureDir, MIRRORBOOK_STORE: join(work, 'state.db') };
  const withTsx = ['--import', 'tsx', ...cliCommand()];
  // A run whose reader closes before its first line: it finishes all the same, exit 0.
  const run = await piped(['run', 'ledger', '--yes', '--confirm', 'Patriot', '--plain'], 'head -c 0', ledgerEnv, withTsx);
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stderr, '');
  assert.ok(ledgerLines(fixtureDir).length > 0, 'the run applied its steps');

  const config = ['--config', join(lab.dir, 'mirrorbook.yaml')];
  const store = ['--store', join(work, 'state.db')];
  const dir = ['--dir', lab.dir];
  const commands: string[][] = [
    ['--help'], ['--version'], ['run', '--help'], ['plan', 'setup', ...config], ['plan', 'setup', '--json', ...config],
    ['runs', ...store], ['audit', ...store], ['audit', '--format', 'md', ...store], ['audit', '--format', 'csv', ...store], ['audit', 'verify', ...store],
    ['status', ...config], ['status', '--json', ...config], ['monitor', '--once', ...config], ['connection-string', ...config],
    ['lab', 'start', ...dir], ['lab', 'status', ...dir], ['lab', 'log', 'SQLPRI01', ...dir], ['lab', 'sessions', 'SQLPRI01', ...dir], ['lab', 'behaviour', '*', ...dir],
  ];
  // head -c 0 is gone before the first write; head -1 reads a line of the longest outputs first.
  const cases = [...commands.map((args) => [args, 'head -c 0'] as const), ...[['audit', ...store], ['lab', 'log', 'SQLPRI01', ...dir], ['--help']].map((args) => [args, 'head -1'] as const)];
  for (let i = 0; i < cases.length; i += 3) {
    const batch = cases.slice(i, i + 3);
    const results = await Promise.all(batch.map(([args, reader]) => piped(args, reader)));
    batch.forEach(([args, reader], k) => {
      assert.is(results[k]!.code, 0, `mirrorbook ${args.join(' ')} | ${reader}: exit ${results[k]!.code}\n${results[k]!.stderr}`);
      assert.is(results[k]!.stderr, '', `mirrorbook ${args.join(' ')} | ${reader}`);
    });
  }
  // show needs the id of the run above
  const { openStore } = await import('../../store/index.js');
  const db = openStore(join(work, 'state.db'), { readonly: true });
  const runId = db.runs.latest()!.id;
  db.close();
  for (const reader of ['head -1', 'head -c 0']) {
    const result = await piped(['show', runId, ...store], reader, ledgerEnv);
    assert.is(result.code, 0, result.stderr);
    assert.is(result.stderr, '');
  }
});

test.run();
