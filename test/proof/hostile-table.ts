// biome-ignore-all format: one case a line is the table a reader scans
// The table of hostile and mistaken inputs — config files, identifiers carrying T-SQL, ports, paths,
// dates, weak passwords, bad command lines — run against one lab: in this process, as cli/main.ts
// runs a command line (all of it is refused before any connection), with every tenth case and the
// positive control through the built CLI in a process of its own. Each must
// exit 2, name the field or argument, and send no batch to either instance (batch-log line counts
// before and after). A positive control proves the same command does reach the lab when the input
// is good, so the "no batch" check can fail. The table is split over test files (one lab each) by
// group so each file stays well inside the per-file time limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { batchCounts, requireDist, runDist, runInProcess, total } from './support.js';

// biome-ignore lint/suspicious/noExplicitAny: the cases mutate arbitrary paths of a parsed YAML config
type Config = Record<string, any>;

export type Group = 'config' | 'identifiers' | 'command-line';

interface Case {
  group: Group;
  name: string;
  /** Derives the config from the lab's mirrorbook.yaml (object) or replaces it (text). */
  config?: ((c: Config) => void) | string;
  /** Command line (the config and store options are appended); default `run failover --yes`. */
  args?: string[];
  expect: string | RegExp;
}

const FAILOVER = ['run', 'failover', '--yes', '--plain'];
const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n') + '\n';
const LONG = 'P'.repeat(129);

export const cases: Case[] = [];
let group: Group = 'config';
const conf = (name: string, mutate: (c: Config) => void, expect: string | RegExp) => cases.push({ group, name, config: mutate, expect });
const text = (name: string, body: string, expect: string | RegExp) => cases.push({ group, name, config: body, expect });
const cli = (name: string, args: string[], expect: string | RegExp) => cases.push({ group, name, args, expect });

// --- the config file: structure, types, unknown keys, broken YAML -----------------------------
text('empty file', '', 'pair: missing');
text('a scalar instead of a mapping', 'just a string\n', '(top level): expected a mapping');
text('a list at the top', '- pair\n- databases\n', '(top level): expected a mapping');
text('broken YAML: unclosed flow', 'pair: { principal: [\n', 'not valid YAML');
text('broken YAML: bad indentation', 'pair:\n  principal:\n server: x\n   port: 1\n', 'not valid YAML');
text('broken YAML: tab indentation', 'pair:\n\tprincipal: {}\n', 'not valid YAML');
text('broken YAML: duplicate key', 'preset: patriot\npreset: patriot\n', 'not valid YAML');
text('broken YAML: unterminated quote', 'preset: "patriot\n', 'not valid YAML');
text('YAML alias bomb (billion laughs)', ALIAS_BOMB, 'not valid YAML');
text('YAML merge key smuggling an unknown key', 'preset: patriot\n<<: { colour: blue }\n', '<<: unknown key');
text('YAML custom tag', 'preset: !!js/function "function () {}"\n', 'preset:');
text('a binary file', '\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000: \u0000\u0000\n\u0003\u0000>\u0000', /case-\d+\.yaml: (not valid YAML|invalid configuration)/);
conf('unknown top-level key', (c) => { c.colour = 'blue'; }, 'colour: unknown key');
conf('unknown server key (typo)', (c) => { c.pair.mirror.prot = c.pair.mirror.port; delete c.pair.mirror.port; }, 'pair.mirror.prot: unknown key');
conf('unknown pair role', (c) => { c.pair.backup = c.pair.mirror; }, 'pair.backup: unknown key');
conf('unknown secrets key', (c) => { c.secrets.saPassword = 'env:HOME'; }, 'secrets.saPassword: unknown key');
conf('unknown endpoint key', (c) => { c.endpoint = { listenerIp: 'ALL' }; }, 'endpoint.listenerIp: unknown key');
conf('unknown backup key', (c) => { c.backup.compression = true; }, 'backup.compression: unknown key');
conf('missing pair', (c) => { delete c.pair; }, 'pair: missing');
conf('missing pair.mirror', (c) => { delete c.pair.mirror; }, 'pair.mirror: missing');
conf('missing principal server', (c) => { delete c.pair.principal.server; }, 'pair.principal.server: missing');
conf('missing mirror port', (c) => { delete c.pair.mirror.port; }, 'pair.mirror.port: missing');
conf('missing principal instance', (c) => { delete c.pair.principal.instance; }, 'pair.principal.instance: missing');
conf('missing mirror login', (c) => { delete c.pair.mirror.login; }, 'pair.mirror.login: missing');
conf('missing principal password', (c) => { delete c.pair.principal.password; }, 'pair.principal.password: missing');
conf('missing mirroring address', (c) => { delete c.pair.mirror.mirroringAddress; }, 'pair.mirror.mirroringAddress: missing');
conf('missing backup', (c) => { delete c.backup; }, 'backup: missing');
conf('missing backup.mirrorReadsFrom', (c) => { delete c.backup.mirrorReadsFrom; }, 'backup.mirrorReadsFrom: missing');
conf('missing master key password', (c) => { delete c.secrets.masterKeyPassword; }, 'secrets.masterKeyPassword: missing');
conf('no preset and no databases', (c) => { delete c.preset; }, 'databases: missing');
conf('pair is a list', (c) => { c.pair = [c.pair.principal, c.pair.mirror]; }, 'pair: expected a mapping');
conf('server is a string', (c) => { c.pair.mirror = 'SQLMIR01'; }, 'pair.mirror: expected a mapping');
conf('databases is a string', (c) => { c.databases = 'Patriot'; }, 'databases: expected a list');
conf('databases is empty', (c) => { c.databases = []; }, 'databases: expected at least one database');
conf('database listed twice', (c) => { c.databases = ['Patriot', 'PATRIOT']; }, 'databases: lists a database twice');
conf('database is a number', (c) => { c.databases = [42]; }, 'databases[0]: expected a non-empty string');
conf('encrypt is a string', (c) => { c.pair.principal.encrypt = 'yes'; }, 'pair.principal.encrypt');
conf('trustServerCertificate is a number', (c) => { c.pair.mirror.trustServerCertificate = 1; }, 'pair.mirror.trustServerCertificate: expected true or false');
conf('safety unknown', (c) => { c.safety = 'HIGH'; }, 'safety: "HIGH" is not allowed');
conf('auth.mode unknown', (c) => { c.auth = { mode: 'kerberos' }; }, 'auth.mode');
conf('server and host both given', (c) => { c.pair.mirror.host = '127.0.0.1'; }, 'pair.mirror.host: give either server or host');
conf('same mirroring address twice', (c) => { c.pair.mirror.mirroringAddress = c.pair.principal.mirroringAddress; }, 'pair.mirror.mirroringAddress: is the same as');
conf('principal and mirror the same instance', (c) => { c.pair.mirror.instance = c.pair.principal.instance; }, 'pair.mirror.instance');
conf('applicationPrograms not a list', (c) => { c.applicationPrograms = 'Patriot.exe'; }, 'applicationPrograms: expected a list');
conf('RC4 without allowRc4', (c) => { c.endpoint = { algorithm: 'RC4' }; }, 'endpoint.algorithm');
conf('endpoint encryption unknown', (c) => { c.endpoint = { encryption: 'MAYBE' }; }, 'endpoint.encryption');

group = 'identifiers';
// --- identifiers carrying T-SQL, look-alikes, invisible and over-long names ------------------
const hostileNames: [string, string][] = [
  ['closing bracket and batch', 'Patriot]; DROP DATABASE master; --'],
  ['closing bracket', 'Pat]riot'],
  ['opening bracket', 'Pat[riot'],
  ['single quote', "Pat'riot"],
  ['double quote', 'Pat"riot'],
  ['semicolon', 'Patriot;'],
  ['line comment', 'Patriot--'],
  ['block comment', 'Pat/*x*/riot'],
  ['fullwidth right bracket U+FF3D', 'Patriot\uFF3D'],
  ['fullwidth apostrophe U+FF07', 'Pat\uFF07riot'],
  ['right single quotation mark U+2019', 'Pat\u2019riot'],
  ['modifier letter apostrophe U+02BC', 'Pat\u02BCriot'],
  ['modifier letter prime U+02B9', 'Pat\u02B9riot'],
  ['fullwidth semicolon U+FF1B', 'Patriot\uFF1B'],
  ['zero-width space', 'Pat\u200Briot'],
  ['zero-width joiner', 'Patriot\u200D'],
  ['byte order mark', '\uFEFFPatriot'],
  ['right-to-left override', 'Pat\u202Eriot'],
  ['NUL byte', 'Pat\u0000riot'],
  ['newline', 'Patriot\nGO'],
  ['over-long (129 characters)', LONG],
];
for (const [what, name] of hostileNames) conf(`database name: ${what}`, (c) => { c.databases = ['Patriot', name]; }, 'databases[1]');
for (const [what, name] of hostileNames.filter((_, i) => i % 3 === 0)) conf(`endpoint name: ${what}`, (c) => { c.endpoint = { name }; }, 'endpoint.name');
for (const [what, name] of hostileNames.filter((_, i) => i % 3 === 1)) conf(`certificate name: ${what}`, (c) => { c.auth = { certificates: { principal: name } }; }, 'auth.certificates.principal');
for (const [what, name] of hostileNames.filter((_, i) => i % 3 === 2)) conf(`login name: ${what}`, (c) => { c.auth = { logins: { mirror: name } }; }, 'auth.logins.mirror');
conf('user name: bracket', (c) => { c.auth = { users: { principal: 'u]; DROP USER dbo; --' } }; }, 'auth.users.principal');
conf('service account: quote', (c) => { c.auth = { mode: 'domain', serviceAccount: "CORP\\svc'; --" }; }, 'auth.serviceAccount');
conf('service account: no domain', (c) => { c.auth = { mode: 'domain', serviceAccount: 'svcsql' }; }, 'auth.serviceAccount');
conf('instance name with a quote', (c) => { c.pair.principal.instance = "SQLPRI01'--"; }, 'pair.principal.instance');
conf('server with a semicolon', (c) => { c.pair.principal.server = '127.0.0.1;Database=master'; }, 'pair.principal.server');
conf('system database', (c) => { c.databases = ['master']; }, 'databases[0]');
conf('application program with an ANSI escape sequence', (c) => { c.applicationPrograms = ['Patriot\u001b[2J\u001b[31mFAKE']; }, 'applicationPrograms[0]');
conf('login with a newline', (c) => { c.pair.principal.login = 'mirrorbook\nGO'; }, 'pair.principal.login');
conf('application program not a string', (c) => { c.applicationPrograms = [{ name: 'x' }]; }, 'applicationPrograms[0]');

group = 'config';
// --- ports ------------------------------------------------------------------------------------
for (const [what, port] of [['0', 0], ['-1', -1], ['65536', 65536], ['abc', 'abc'], ['1.5', 1.5], ['null', null], ['a list', [1433]]] as [string, unknown][]) {
  conf(`TDS port ${what}`, (c) => { c.pair.mirror.port = port; }, 'pair.mirror.port');
}
for (const [what, port] of [['1023', 1023], ['0', 0], ['32768', 32768], ['abc', 'abc'], ['1.5', 1.5]] as [string, unknown][]) {
  conf(`endpoint port ${what}`, (c) => { c.endpoint = { port }; }, 'endpoint.port');
}
conf('mirroring address port 1023', (c) => { c.pair.principal.mirroringAddress = 'TCP://sqlpri01.lab.local:1023'; }, 'pair.principal.mirroringAddress');
conf('mirroring address port 65536', (c) => { c.pair.principal.mirroringAddress = 'TCP://sqlpri01.lab.local:65536'; }, 'pair.principal.mirroringAddress');
conf('mirroring address without TCP://', (c) => { c.pair.principal.mirroringAddress = 'sqlpri01:1430'; }, 'pair.principal.mirroringAddress');
conf('mirroring address with T-SQL', (c) => { c.pair.principal.mirroringAddress = "TCP://x';DROP ENDPOINT e;--:1430"; }, 'pair.principal.mirroringAddress');
conf('mirroring address naming the instance', (c) => { c.pair.principal.mirroringAddress = 'TCP://HOST\\SQLPRI01:1430'; }, 'pair.principal.mirroringAddress');

// --- paths ------------------------------------------------------------------------------------
conf('backup directory relative', (c) => { c.backup.directory = 'Backup'; }, 'backup.directory');
conf('backup directory POSIX', (c) => { c.backup.directory = '/var/opt/mssql/backup'; }, 'backup.directory');
conf('backup directory with ..', (c) => { c.backup.directory = 'D:\\Backup\\..\\..\\Windows\\System32'; }, 'backup.directory');
conf('backup directory with NUL', (c) => { c.backup.directory = 'D:\\Back\u0000up'; }, 'backup.directory');
conf('backup directory with a quote', (c) => { c.backup.directory = "D:\\Backup'; EXEC xp_cmdshell 'dir'; --"; }, 'backup.directory');
conf('UNC without a share', (c) => { c.backup.mirrorReadsFrom = '\\\\SQLPRI01'; }, 'backup.mirrorReadsFrom');
conf('UNC with forward slashes', (c) => { c.backup.mirrorReadsFrom = '//SQLPRI01/Backup'; }, 'backup.mirrorReadsFrom');
conf('UNC device path \\\\?\\', (c) => { c.backup.mirrorReadsFrom = '\\\\?\\C:\\Backup'; }, 'backup.mirrorReadsFrom');
conf('UNC with .. after the share', (c) => { c.backup.mirrorReadsFrom = '\\\\SQLPRI01\\Backup\\..\\C$'; }, 'backup.mirrorReadsFrom');
conf('UNC that is a drive path', (c) => { c.backup.mirrorReadsFrom = 'D:\\Backup'; }, 'backup.mirrorReadsFrom');
conf('UNC with NUL', (c) => { c.backup.mirrorReadsFrom = '\\\\SQLPRI01\\Back\u0000up'; }, 'backup.mirrorReadsFrom');
conf('secret file that does not exist', (c) => { c.secrets.masterKeyPassword = 'file:credentials/nope.password'; }, 'secrets.masterKeyPassword');
conf('secret file path with NUL', (c) => { c.secrets.masterKeyPassword = 'file:credentials/master\u0000.password'; }, 'secrets.masterKeyPassword');
conf('secret file is a directory', (c) => { c.secrets.masterKeyPassword = 'file:credentials'; }, 'secrets.masterKeyPassword');
conf('secret file: with no path', (c) => { c.secrets.endpointLoginPassword = 'file:'; }, 'secrets.endpointLoginPassword');
conf('password file traversing out', (c) => { c.pair.mirror.password = 'file:../../../../nonexistent/secret'; }, 'pair.mirror.password');

// --- dates (certificate validity) --------------------------------------------------------------
for (const [what, raw] of [['expiry 0 years', { expiryYears: 0 }], ['expiry 101 years', { expiryYears: 101 }], ['expiry 1.5 years', { expiryYears: 1.5 }], ['expiry as a date', { expiryYears: '2046-01-01' }], ['backdate -1 days', { backdateDays: -1 }], ['backdate 31 days', { backdateDays: 31 }], ['backdate as text', { backdateDays: 'yesterday' }]] as [string, Config][]) {
  const field = Object.keys(raw)[0]!;
  conf(`certificate dates: ${what}`, (c) => { c.auth = raw; }, `auth.${field}`);
}

// --- secrets: literal, unset, weak --------------------------------------------------------------
conf('literal master key password', (c) => { c.secrets.masterKeyPassword = 'Hunter2-Secret-Pass'; }, 'secrets.masterKeyPassword: a literal secret is not allowed');
conf('literal SQL login password', (c) => { c.pair.principal.password = 'Hunter2-Secret-Pass'; }, 'pair.principal.password');
conf('secret as a number', (c) => { c.secrets.endpointLoginPassword = 12345678901234; }, 'secrets.endpointLoginPassword');
conf('env secret not set', (c) => { c.secrets.endpointLoginPassword = 'env:MB_PROOF_NOT_SET'; }, 'secrets.endpointLoginPassword: environment variable MB_PROOF_NOT_SET');
conf('env secret with a bad name', (c) => { c.secrets.endpointLoginPassword = 'env:A B;rm -rf /'; }, 'secrets.endpointLoginPassword');
for (const [what, file] of [['the seed sample password', 'sample'], ['too short', 'short'], ['lower case and digits only', 'lowdigit'], ['only letters', 'letters'], ['empty file', 'empty']] as [string, string][]) {
  conf(`weak master key password: ${what}`, (c) => { c.secrets.masterKeyPassword = `file:weak-${file}.password`; }, 'secrets.masterKeyPassword');
}
conf('weak endpoint password from env', (c) => { c.secrets.endpointLoginPassword = 'env:MB_PROOF_WEAK'; }, 'secrets.endpointLoginPassword: the password is too weak');

group = 'command-line';
// --- bad command lines --------------------------------------------------------------------------
cli('unknown command', ['frobnicate'], "unknown command 'frobnicate'");
cli('unknown procedure', ['run', 'drop-everything', '--yes'], "unknown procedure 'drop-everything'");
cli('procedure name carrying shell/T-SQL', ['run', "setup'; DROP DATABASE Patriot; --", '--yes'], 'unknown procedure');
cli('run without a procedure', ['run', '--yes'], 'run needs a procedure name');
cli('run with an extra argument', ['run', 'failover', 'now', '--yes'], "unexpected argument 'now'");
cli('run with an unknown flag', ['run', 'failover', '--force'], "unknown option '--force'");
cli('run with an unknown inline flag', ['run', 'failover', '--safety=OFF'], "unknown option '--safety'");
cli('--operator without a value', ['run', 'failover', '--yes', '--operator'], '--operator needs a value');
cli('--confirm followed by a flag', ['run', 'failover', '--confirm', '--yes'], '--confirm needs a value');
cli('--config without a value at the end', ['status', '--config'], '--config needs a value');
cli('config file that does not exist', ['status', '--config', '/nonexistent/mirrorbook.yaml'], 'cannot read config file /nonexistent/mirrorbook.yaml');
cli('config file that is a directory', ['status', '--config', '/tmp'], 'cannot read config file /tmp');
cli('plan unknown procedure', ['plan', 'nosuch'], "unknown procedure 'nosuch'");
cli('plan without a procedure', ['plan'], 'plan needs a procedure name');
cli('resume an unknown run id', ['resume', 'no-such-run'], "no run 'no-such-run'");
cli('resume a run id carrying SQL', ['resume', "x' OR '1'='1"], "no run 'x' OR '1'='1'");
cli('resume with two run ids', ['resume', 'a', 'b'], "unexpected argument 'b'");
cli('show without a run id', ['show'], 'show needs a run id');
cli('show an unknown run id', ['show', '../../etc/passwd'], "no run '../../etc/passwd'");
cli('audit in an unknown format', ['audit', '--format', 'xml'], '--format xml');
cli('audit of an unknown run', ['audit', '--run', 'nope'], "no run 'nope'");
cli('audit with an unknown subcommand', ['audit', 'rewrite'], "unexpected argument 'rewrite'");
cli('runs --limit abc', ['runs', '--limit', 'abc'], '--limit');
cli('runs --limit -5', ['runs', '--limit', '-5'], '--limit');
cli('runs --limit 1.5', ['runs', '--limit', '1.5'], '--limit');
cli('status with an unknown option', ['status', '--all'], "unknown option '--all'");
cli('status --interval 0', ['status', '--watch', '--interval', '0'], '--interval');
cli('monitor --interval abc', ['monitor', '--interval', 'abc'], '--interval');
cli('connection-string for a database not configured', ['connection-string', '--database', 'master'], '--database master');
cli('connection-string in an unknown format', ['connection-string', '--format', 'php'], '--format php');
cli('unlock with an unexpected argument', ['unlock', 'SQLPRI01'], "unexpected argument 'SQLPRI01'");
cli('--operator with an ANSI escape sequence', ['run', 'failover', '--yes', '--operator', 'alice\u001b[2J\u001b[Hroot'], '--operator');
cli('--operator with a newline (forged audit line)', ['run', 'failover', '--yes', '--operator', 'alice\nrun-end done'], '--operator');
cli('--operator with a right-to-left override', ['run', 'failover', '--yes', '--operator', 'alice\u202Eecila'], '--operator');
cli('--operator over 128 characters', ['run', 'failover', '--yes', '--operator', 'a'.repeat(129)], '--operator');
cli('--store naming a directory', ['run', 'failover', '--yes', '--store', '/tmp'], 'the store /tmp is a directory');
cli('--store inside a file', ['run', 'failover', '--yes', '--store', '/etc/hostname/state.db'], 'cannot open the store /etc/hostname/state.db');

/** Registers the cases of `only` as uvu tests around one lab; the caller runs test.run(). */
export function hostileTable(only: Group): void {
  let lab: TestLab;
  let work: string;
  let store: string;
  let base: Config;
  let baseline: Record<string, number>;

  test.before(async () => {
    requireDist();
    lab = await startTestLab();
    work = mkdtempSync(join(tmpdir(), 'mb-proof-hostile-'));
    store = join(work, 'state.db');
    base = parse(readFileSync(join(lab.dir, 'mirrorbook.yaml'), 'utf8')) as Config;
    const weak: Record<string, string> = { sample: 'Patriot12##', short: 'Sh0rt!x', lowdigit: 'lowercase12345678', letters: 'OnlyLettersHereNoDigits', empty: '\n' };
    for (const [name, value] of Object.entries(weak)) writeFileSync(join(lab.dir, `weak-${name}.password`), value);
    baseline = batchCounts(lab.dir);
  });

  test.after(async () => {
    await lab?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let n = 0;
  for (const c of cases.filter((x) => x.group === only)) {
    const index = ++n;
    test(`refused (exit 2, field named, no batch): ${c.name}`, async () => {
      let configPath = join(lab.dir, 'mirrorbook.yaml');
      if (c.config !== undefined) {
        configPath = join(lab.dir, `case-${index}.yaml`);
        if (typeof c.config === 'string') writeFileSync(configPath, c.config);
        else {
          const derived = structuredClone(base);
          c.config(derived);
          writeFileSync(configPath, stringify(derived));
        }
      }
      const before = batchCounts(lab.dir);
      const own = (flag: string) => c.args?.includes(flag) === true;
    const args = [...(c.args ?? FAILOVER), ...(own('--config') ? [] : ['--config', configPath]), ...(own('--store') ? [] : ['--store', store])];
      const out = await (index % 10 === 1 ? runDist : runInProcess)(args, { env: { MB_PROOF_WEAK: 'weakpassword' } });
      const said = out.stderr + out.stdout;
      assert.is(out.code, 2, `exit ${out.code}:\n${said}`);
      const expected = c.expect;
      assert.ok(typeof expected === 'string' ? said.includes(expected) : expected.test(said), `expected ${String(expected)} in:\n${said}`);
      assert.not.match(said, /internal error|    at /, 'no stack trace');
      assert.equal(batchCounts(lab.dir), before, 'no batch reached the lab');
    });
  }

  test('positive control: the same command with the lab\'s own config does reach the lab', async () => {
    assert.equal(batchCounts(lab.dir), baseline, 'the whole table sent nothing');
    const before = total(batchCounts(lab.dir));
    const out = await runDist([...FAILOVER, '--config', join(lab.dir, 'mirrorbook.yaml'), '--store', store]);
    assert.is.not(out.code, 2, out.stderr);
    assert.ok(total(batchCounts(lab.dir)) > before, 'batches were logged');
  });
}
