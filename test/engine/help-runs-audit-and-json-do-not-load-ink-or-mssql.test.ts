import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, SOURCE_CLI } from './cli-harness.js';

const root = new URL('../..', import.meta.url).pathname;
// The sources' mssql is the tests' one-file bundle (test/helpers/ts-hooks.mjs), in node_modules/.cache.
const HEAVY = /node_modules\/(ink|mssql|tedious|react|yoga-layout)\/|\/mirrorbook-mssql\//;

/** Every module `mirrorbook args` resolves, run from the sources (test/helpers/ts-loader.mjs). The
 * recorder's hook is registered after the loader's, so it runs first and sees what the loader answers
 * without asking Node (mssql). */
function loaded(h: Harness, args: string[], env: Record<string, string> = {}): string[] {
  const log = join(h.dir, 'imports.log');
  if (existsSync(log)) rmSync(log);
  const [loader, main] = [SOURCE_CLI.slice(0, 2), SOURCE_CLI.slice(2)];
  const result = spawnSync(process.execPath, [...loader, '--import', './test/engine/import-recorder.mjs', ...main, ...args], {
    cwd: root,
    env: h.env({ MB_IMPORT_LOG: log, ...env }),
    encoding: 'utf8',
  });
  assert.ok(result.status === 0 || result.status === 1, `${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

test('--help, runs, audit, show and --json paths load neither ink nor mssql', () => {
  const h = new Harness();
  try {
    const first = spawnSync(process.execPath, [...SOURCE_CLI, 'run', 'ledger', '--yes', '--confirm', 'Patriot', '--json'], {
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
    // A command that connects (to a port nothing listens on) loads mssql, and the check sees it.
    const config = join(h.dir, 'unreachable.yaml');
    const server = (instance: string) =>
      `{ server: 127.0.0.1, port: 9, instance: ${instance}, login: mirrorbook, password: 'env:MB_TEST_PASSWORD', encrypt: false, mirroringAddress: 'TCP://${instance}.lab.local:1430' }`;
    writeFileSync(
      config,
      [
        'preset: patriot',
        'pair:',
        `  principal: ${server('SQLPRI01')}`,
        `  mirror: ${server('SQLMIR01')}`,
        "secrets: { masterKeyPassword: 'env:MB_TEST_PASSWORD', endpointLoginPassword: 'env:MB_TEST_PASSWORD' }",
        "backup: { directory: 'C:\\b', mirrorReadsFrom: '\\\\SQLPRI01\\b', mirrorDirectory: 'C:\\b', principalReadsFrom: '\\\\SQLMIR01\\b' }",
        '',
      ].join('\n'),
    );
    const status = loaded(h, ['status', '--config', config, '--plain'], { MB_TEST_PASSWORD: 'Str0ng!Passw0rd#2026' });
    assert.ok(
      status.some((u) => HEAVY.test(u)),
      `status loads mssql:\n${status.join('\n')}`,
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
