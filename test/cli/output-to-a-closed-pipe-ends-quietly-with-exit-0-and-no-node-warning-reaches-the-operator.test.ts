// `mirrorbook … | head -1` ends quietly with exit 0 on every printing command (no EPIPE stack, no
// Node warning on stderr), whether the reader closes after one line or before the first write;
// a run whose reader goes away still finishes (the ledger has every step). A server given by IP
// address (TLS cannot be checked against a name: Node's DEP0123) prints no Node warning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../cli/command-table.js';
import { ledgerLines } from '../fixtures/runbooks/ledger.js';
import { cliCommand, REPO_ROOT, startTestLab, type TestLab } from '../helpers/lab.js';
import { buildCrashBundle } from '../proof/crash-bundle.js';

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
  // The CLI bundled with the ledger procedure (built once per suite), as the shipped one starts.
  const ledger = await buildCrashBundle('test/fixtures/runbooks/ledger.ts');
  const ledgerEnv = { MIRRORBOOK_RUNBOOKS: ledger.source, MB_FIXTURE_DIR: fixtureDir, MIRRORBOOK_STORE: join(work, 'state.db') };
  // A run whose reader closes before its first line: it finishes all the same, exit 0.
  const run = await piped(['run', 'ledger', '--yes', '--confirm', 'Patriot', '--plain'], 'head -c 0', ledgerEnv, [ledger.cli]);
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stderr, '');
  assert.ok(ledgerLines(fixtureDir).length > 0, 'the run applied its steps');

  const { openStore } = await import('../../store/index.js');
  const db = openStore(join(work, 'state.db'), { readonly: true });
  const runId = db.runs.latest()!.id;
  db.close();

  const config = ['--config', join(lab.dir, 'mirrorbook.yaml')];
  const store = ['--store', join(work, 'state.db')];
  const dir = ['--dir', lab.dir];
  // Every printing form of every command; run, resume and demo change servers and finish without
  // output (the run above), and their --help is below with every other command's.
  const commands: string[][] = [
    ['--help'],
    ['--version'],
    ['help', 'audit'],
    ...Object.keys(COMMANDS).map((name) => [name, '--help']),
    ['check', 'failover', ...config],
    ['check', 'setup', '--json', ...config],
    ['plan', 'setup', ...config],
    ['plan', 'setup', '--json', ...config],
    ['plan', 'setup', '--chart', '--offline', ...config],
    ['plan', 'setup', '--format', 'sqlcmd', ...config],
    ['runs', ...store],
    ['runs', '--json', ...store],
    ['show', runId, ...store],
    ['show', runId, '--json', ...store],
    ['audit', ...store],
    ['audit', '--format', 'md', ...store],
    ['audit', '--format', 'csv', ...store],
    ['audit', 'verify', '--local', ...store],
    ['unlock', '--pair', 'SQLMIR01+SQLPRI01', ...store],
    ['status', ...config],
    ['status', '--json', ...config],
    ['monitor', '--once', ...config],
    ['monitor', '--check', ...config],
    ['monitor', 'history', ...config, ...store],
    ['connection-string', ...config],
    ['connection-string', '--format', 'odbc', ...config],
    ['lab', 'start', ...dir],
    ['lab', 'status', ...dir],
    ['lab', 'log', 'SQLPRI01', ...dir],
    ['lab', 'sessions', 'SQLPRI01', ...dir],
    ['lab', 'behaviour', '*', ...dir],
    ['lab', 'workload', 'SQLPRI01', '0', ...dir],
    ['lab', 'fault', 'SQLMIR01', 'heal', ...dir],
    ['init', '--grants'],
    ['init', '--principal', 'sqlpri01', '--mirror', 'sqlmir01', '--backup-dir', 'D:\\Backup', '--output', join(work, 'init.yaml'), '--force'],
  ];
  const covered = new Set(commands.filter((args) => !args.includes('--help')).map((args) => args[0]));
  for (const name of Object.keys(COMMANDS)) assert.ok(covered.has(name) || COMMANDS[name]!.finishesWithoutOutput, `the pipe test covers mirrorbook ${name}`);
  // head -c 0 is gone before the first write; head -1 reads a line of the longest outputs first;
  // status --watch prints until its reader goes away.
  const cases = [
    ...commands.map((args) => [args, 'head -c 0'] as const),
    ...[
      ['audit', ...store],
      ['lab', 'log', 'SQLPRI01', ...dir],
      ['--help'],
      ['plan', 'setup', ...config],
      ['show', runId, ...store],
      ['status', '--watch', '--interval', '0.2', ...config],
    ].map((args) => [args, 'head -1'] as const),
  ];
  for (let i = 0; i < cases.length; i += 3) {
    const batch = cases.slice(i, i + 3);
    const results = await Promise.all(batch.map(([args, reader]) => piped(args, reader)));
    batch.forEach(([args, reader], k) => {
      assert.is(results[k]!.code, 0, `mirrorbook ${args.join(' ')} | ${reader}: exit ${results[k]!.code}\n${results[k]!.stderr}`);
      assert.is(results[k]!.stderr, '', `mirrorbook ${args.join(' ')} | ${reader}`);
    });
  }
});

test('a server given by its IP address: status and a check print no Node warning', async () => {
  const yaml = readFileSync(join(lab.dir, 'mirrorbook.yaml'), 'utf8');
  const byAddress = yaml.replace(/server: localhost/g, 'server: 127.0.0.1').replace(/caFile: .*/g, 'trustServerCertificate: true');
  assert.match(byAddress, /server: 127\.0\.0\.1[\s\S]*trustServerCertificate: true/);
  // Beside the lab's own config: its secrets are file: references relative to it.
  const config = join(lab.dir, 'mirrorbook-by-address.yaml');
  writeFileSync(config, byAddress);
  for (const args of [['status'], ['check', 'failover']]) {
    const result = await piped([...args, '--config', config], 'cat > /dev/null');
    assert.ok(result.code === 0 || (args[0] === 'check' && result.code === 1), `mirrorbook ${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
    assert.not.match(result.stderr, /Warning|DEP0123/, result.stderr);
    assert.is(result.stderr, '');
  }
});

test.run();
