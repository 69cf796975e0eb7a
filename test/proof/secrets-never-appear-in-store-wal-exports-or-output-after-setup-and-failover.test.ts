// Distinctive passwords (file: and env: secrets, and the lab's SQL login passwords) go through the
// real procedures — setup then failover, JSON and plain output — and an audit export in every
// format. Then every byte mirrorbook wrote is scanned for each secret in UTF-8 and UTF-16LE: the
// store, its -wal and -shm (kept alive by a reader, and copied after every command), the exports,
// stdout/stderr. The lab's own files (state, batch logs, credentials, its process log) are the
// server side and are excluded; the batch log is used to prove the secrets were really sent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { startTestLab, type CliResult, type TestLab } from '../helpers/lab.js';
import { openStore } from '../../store/index.js';
import { verifyPassword } from '../../lab/instance/password.js';
import { isAtomicTemp } from '../../lab/persist/atomic-file.js';
import { requireDist, runDist } from './support.js';

const MASTER_KEY = 'MkProof-7Qz#Alpha-9731';
const ENDPOINT_LOGIN = 'EpProof-4Wx#Bravo-5519';

let lab: TestLab;
let work: string;
let holder: Database.Database | undefined;

test.before(async () => {
  requireDist();
  lab = await startTestLab();
  await lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '50' });
  work = mkdtempSync(join(tmpdir(), 'mb-proof-secrets-'));
});

test.after(async () => {
  holder?.close();
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function filesUnder(dir: string, skip: (path: string) => boolean = () => false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (skip(path)) return [];
    return statSync(path).isDirectory() ? filesUnder(path, skip) : [path];
  });
}

test('no secret reaches the store, its WAL, the exports or the output', async () => {
  writeFileSync(join(lab.dir, 'credentials', 'master-key.password'), MASTER_KEY + '\n');
  const config = parse(readFileSync(join(lab.dir, 'mirrorbook.yaml'), 'utf8')) as { secrets: Record<string, string> };
  config.secrets.endpointLoginPassword = 'env:MB_PROOF_ENDPOINT_PASSWORD';
  const configPath = join(lab.dir, 'proof-secrets.yaml');
  writeFileSync(configPath, stringify(config));
  const env = { MB_PROOF_ENDPOINT_PASSWORD: ENDPOINT_LOGIN };
  const secrets = [MASTER_KEY, ENDPOINT_LOGIN, lab.password('SQLPRI01'), lab.password('SQLMIR01')];
  for (const s of secrets) assert.ok(s.length >= 12, 'secrets long enough not to match by chance');

  const storeDir = join(work, 'store');
  const storePath = join(storeDir, 'state.db');
  const copies = join(work, 'wal-copies');
  mkdirSync(copies, { recursive: true });
  // A reader keeps the -wal and -shm on disk between commands (the last connection would delete them).
  openStore(storePath).close();
  holder = new Database(storePath, { readonly: true });
  holder.prepare('SELECT count(*) FROM runs').get();

  const outputs: [string, CliResult][] = [];
  const mb = async (label: string, ...args: string[]): Promise<CliResult> => {
    const out = await runDist([...args, '--config', configPath, '--store', storePath], { env });
    outputs.push([label, out]);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(storePath + suffix)) copyFileSync(storePath + suffix, join(copies, `${outputs.length}-${label}${suffix}`));
    }
    return out;
  };

  await mb('plan', 'plan', 'setup');
  const setup = await mb('setup-json', 'run', 'setup', '--yes', '--json');
  assert.is(setup.code, 0, setup.stdout.slice(-3000) + setup.stderr);
  const failover = await mb('failover-plain', 'run', 'failover', '--yes', '--plain');
  assert.is(failover.code, 0, failover.stdout.slice(-3000) + failover.stderr);
  await mb('runs', 'runs');
  const runId = (JSON.parse(setup.stdout.split('\n')[0]!) as { runId: string }).runId;
  await mb('show', 'show', runId);
  await mb('show-json', 'show', runId, '--json');
  for (const format of ['ndjson', 'csv', 'md']) {
    const out = await mb(`audit-${format}`, 'audit', '--format', format);
    assert.is(out.code, 0, out.stderr);
    assert.ok(out.stdout.length > 1000, `the ${format} export holds the trail`);
    writeFileSync(join(work, `audit.${format}`), out.stdout);
  }
  assert.is((await mb('verify', 'audit', 'verify')).code, 0, 'the store and the anchors on both partners agree');
  assert.ok(existsSync(storePath + '-wal'), 'the WAL was kept for scanning');

  // A lab rewrites state.json as it runs; the temporary file of a rewrite (lab/persist/atomic-file.ts)
  // can vanish between listing and reading, and what it holds is the next version of its target.
  const serverSide = (path: string) =>
    ['credentials', 'logs', 'state.json', 'lab-process.log'].includes(relative(lab.dir, path)) || isAtomicTemp(basename(path));
  const files = [...filesUnder(work), ...filesUnder(lab.dir, serverSide)];
  assert.ok(files.some((f) => f.endsWith('state.db-wal')) && files.some((f) => f.endsWith('state.db-shm')) && files.some((f) => f.endsWith('audit.md')));
  const leaks: string[] = [];
  for (const secret of secrets) {
    const forms = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
    for (const file of files) {
      const bytes = readFileSync(file);
      forms.forEach((form, i) => {
        if (bytes.includes(form)) leaks.push(`${secret.slice(0, 4)}… (${i ? 'UTF-16LE' : 'UTF-8'}) in ${file}`);
      });
    }
    for (const [label, out] of outputs) {
      if ((out.stdout + out.stderr).includes(secret)) leaks.push(`${secret.slice(0, 4)}… in the output of ${label}`);
    }
  }
  assert.equal(leaks, [], 'no secret anywhere mirrorbook wrote');

  // The scan can find them: the servers did receive the master key and endpoint passwords (the lab
  // redacts them in its batch logs, as its state keeps only their hashes).
  const state = JSON.parse(readFileSync(join(lab.dir, 'state.json'), 'utf8')) as {
    instances: Record<
      string,
      { databases: Record<string, { masterKey: { passwordHash?: string } | null }>; logins: Record<string, { passwordHash: string | null }> }
    >;
  };
  const principal = state.instances.SQLPRI01!;
  assert.ok(verifyPassword(MASTER_KEY, principal.databases.master!.masterKey!.passwordHash!), 'the master key password reached the server');
  assert.ok(
    Object.values(principal.logins).some((l) => l.passwordHash !== null && verifyPassword(ENDPOINT_LOGIN, l.passwordHash)),
    'the endpoint login password reached the server',
  );
  const received = filesUnder(join(lab.dir, 'logs'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  assert.not.ok(received.includes(MASTER_KEY) || received.includes(ENDPOINT_LOGIN), "the lab's batch logs redact them");
  assert.ok(setup.stdout.includes("'****'"), 'the JSON events show it masked');
});

test.run();
