import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from './cli-harness.js';

const root = new URL('../..', import.meta.url).pathname;
const HEAVY = /node_modules\/(ink|mssql|tedious|react|yoga-layout)\//;

function loaded(h: Harness, args: string[]): string[] {
  const log = join(h.dir, 'imports.log');
  if (existsSync(log)) rmSync(log);
  const result = spawnSync(process.execPath, ['--import', './test/engine/import-recorder.mjs', '--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: root,
    env: h.env({ MB_IMPORT_LOG: log }),
    encoding: 'utf8',
  });
  assert.ok(result.status === 0 || result.status === 1, `${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

test('--help, runs, audit, show and --json paths load neither ink nor mssql', () => {
  const h = new Harness();
  try {
    const first = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'run', 'ledger', '--yes', '--confirm', 'Patriot', '--json'], {
      cwd: root,
      env: h.env(),
      encoding: 'utf8',
    });
    assert.is(first.status, 0, first.stderr);
    const runs = loaded(h, ['runs']);
    assert.ok(
      runs.some((u) => u.includes('better-sqlite3')),
      'the recorder sees what is loaded',
    );
    for (const args of [
      ['--help'],
      ['runs'],
      ['runs', '--json'],
      ['audit', '--format', 'ndjson'],
      ['audit', 'verify', '--local'],
      ['plan', 'ledger', '--json'],
      ['run', 'ledger', '--json', '--yes', '--confirm', 'Patriot'],
    ]) {
      const heavy = loaded(h, args).filter((u) => HEAVY.test(u));
      assert.equal(heavy, [], `mirrorbook ${args.join(' ')}`);
    }
  } finally {
    h.cleanup();
  }
});

test.run();
