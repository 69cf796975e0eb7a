// `mirrorbook init` writes a commented mirrorbook.yaml for real servers from flags: it loads with
// config/load.ts (the secrets it names set in the environment) with the values given; secrets are
// references only; without a terminal the missing flags are named (exit 2); an existing file is
// kept unless --force; --grants prints the least-privilege T-SQL of docs/grant-mirrorbook-login.sql.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { privilegeTable } from '../../steps/login-privileges.js';
import { REPO_ROOT, cliCommand, runCli } from '../helpers/lab.js';
import { openTerminal, shellQuote } from '../ui/tmux.js';

const work = mkdtempSync(join(tmpdir(), 'mb-init-'));
const file = join(work, 'mirrorbook.yaml');
const flags = [
  '--principal',
  'sqlpri01.corp.local',
  '--mirror',
  'sqlmir01.corp.local:14333',
  '--backup-dir',
  'D:\\Backup',
  '--databases',
  'Patriot,PatriotArchive,Alarms',
  '--output',
  file,
];
const env = {
  MB_SQLPRI01_PASSWORD: 'Pri-Passw0rd!23',
  MB_SQLMIR01_PASSWORD: 'Mir-Passw0rd!23',
  MB_MASTER_KEY_PASSWORD: 'Mk-Passw0rd!2345',
  MB_ENDPOINT_LOGIN_PASSWORD: 'Ep-Passw0rd!2345',
};

test.after(() => rmSync(work, { recursive: true, force: true }));

test('without a terminal, missing values are named and nothing is written (exit 2)', async () => {
  const result = await runCli(['init', '--mirror', 'sqlmir01', '--output', file]);
  assert.is(result.code, 2, result.stderr);
  assert.match(result.stderr, /init needs --principal, --backup-dir/);
  assert.match(result.stderr, /hint: --principal: HOST\[:PORT\] of the principal/);
  assert.not.ok(existsSync(file));
});

test('a literal secret or a malformed server is refused (exit 2), nothing written', async () => {
  const literal = await runCli(['init', ...flags, '--password', 'Sup3rSecret!']);
  assert.is(literal.code, 2);
  assert.match(literal.stderr, /--password must say where the secret comes from, not be the secret/);
  const server = await runCli(['init', ...flags, '--principal', 'sql pri01']);
  assert.is(server.code, 2);
  assert.match(server.stderr, /--principal "sql pri01" is not HOST\[:PORT\]/);
  const path = await runCli(['init', ...flags, '--backup-dir', 'Backup']);
  assert.is(path.code, 2);
  assert.match(path.stderr, /backup\.directory/);
  assert.not.ok(existsSync(file));
});

test('from flags: a commented file that config/load.ts reads with the values given', async () => {
  const result = await runCli(['init', ...flags]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(
    result.stdout,
    /set the secrets it names \(env:MB_SQLPRI01_PASSWORD, env:MB_SQLMIR01_PASSWORD, env:MB_MASTER_KEY_PASSWORD, env:MB_ENDPOINT_LOGIN_PASSWORD\)/,
  );
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^ {4}instance: 'SQLPRI01' +# what SELECT @@SERVERNAME answers/m);
  assert.match(text, /^ {4}login: 'mirrorbook' +# the mirrorbook login: its least privileges are in docs\/grant-mirrorbook-login\.sql/m);
  assert.ok(text.split('\n').filter((l) => l.includes('#')).length >= 15, 'commented');
  const config = loadConfig(file, { env });
  assert.equal([config.pair.principal.server, config.pair.principal.port, config.pair.principal.instance], ['sqlpri01.corp.local', 1433, 'SQLPRI01']);
  assert.equal([config.pair.mirror.server, config.pair.mirror.port, config.pair.mirror.instance], ['sqlmir01.corp.local', 14333, 'SQLMIR01']);
  assert.is(config.pair.mirror.mirroringAddress, 'TCP://sqlmir01.corp.local:1430');
  assert.equal(config.databases, ['Patriot', 'PatriotArchive', 'Alarms']);
  assert.equal(config.backup, { directory: 'D:\\Backup', mirrorReadsFrom: '\\\\sqlpri01.corp.local\\Backup', seed: 'backup' });
  assert.is(config.secrets.masterKeyPassword?.reveal(), env.MB_MASTER_KEY_PASSWORD);
  for (const value of Object.values(env)) assert.not.ok(text.includes(value));
});

test('an existing file is kept unless --force', async () => {
  writeFileSync(file, '# hand-edited\n');
  const refused = await runCli(['init', ...flags]);
  assert.is(refused.code, 2);
  assert.match(refused.stderr, /exists; nothing was written/);
  assert.match(refused.stderr, /hint: pass --force to replace it/);
  assert.is(readFileSync(file, 'utf8'), '# hand-edited\n');
  const forced = await runCli(['init', ...flags, '--force']);
  assert.is(forced.code, 0, forced.stderr);
  assert.match(readFileSync(file, 'utf8'), /^preset: patriot/m);
});

test('on a terminal it asks for what the flags left out, offering defaults', async () => {
  const asked = join(work, 'asked.yaml');
  const term = openTerminal(`${[process.execPath, ...cliCommand()].map(shellQuote).join(' ')} init --mirror sqlmir01.corp.local --output ${shellQuote(asked)}`);
  try {
    await term.waitFor('principal server (HOST[:PORT]): ');
    term.type('sqlpri01.corp.local');
    term.keys('Enter');
    await term.waitFor('databases to mirror (comma-separated) [Patriot, PatriotArchive]: ');
    term.keys('Enter');
    await term.waitFor("backup folder on the principal (e.g. 'D:\\Backup'): ");
    term.type('E:\\SQLBackup');
    term.keys('Enter');
    await term.waitFor('that folder as the mirror reads it (UNC) [\\\\sqlpri01.corp.local\\SQLBackup]: ');
    term.keys('Enter');
    await term.waitFor('EXIT=0');
  } finally {
    term.kill();
  }
  const config = loadConfig(asked, { env });
  assert.equal([config.pair.principal.server, config.pair.mirror.server], ['sqlpri01.corp.local', 'sqlmir01.corp.local']);
  assert.equal(config.backup, { directory: 'E:\\SQLBackup', mirrorReadsFrom: '\\\\sqlpri01.corp.local\\SQLBackup', seed: 'backup' });
  assert.equal(config.databases, ['Patriot', 'PatriotArchive']);
});

test('--grants prints the committed least-privilege script, made from the same list as the README table', async () => {
  const result = await runCli(['init', '--grants']);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout, readFileSync(join(REPO_ROOT, 'docs', 'grant-mirrorbook-login.sql'), 'utf8'));
  for (const grant of [
    'GRANT VIEW SERVER STATE',
    'GRANT CREATE ENDPOINT',
    'GRANT ALTER ANY ENDPOINT',
    'GRANT ALTER ANY LOGIN',
    'GRANT ALTER ANY DATABASE',
    'ALTER SERVER ROLE [dbcreator] ADD MEMBER',
  ])
    assert.ok(result.stdout.includes(grant), grant);
  assert.not.match(result.stdout, /^\s*(ALTER SERVER ROLE \[sysadmin\]|GRANT CONTROL SERVER)/m);
  assert.ok(
    readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').includes(privilegeTable()),
    "README.md's privilege table is privilegeTable() (steps/login-privileges.ts)",
  );
});

test.run();
