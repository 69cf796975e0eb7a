import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.js';
import { endpointNameOf } from '../../config/types.js';
import { UsageError } from '../../cli/command.js';

const dir = mkdtempSync(join(tmpdir(), 'mb-config-'));
writeFileSync(join(dir, 'sql.password'), 'Sql-Login-Pass1\n');
writeFileSync(join(dir, 'master-key.password'), 'Master-Key-Pass#2026\n');
writeFileSync(join(dir, 'weak.password'), 'Patriot12##\n');
const env = { MB_EP: 'Endpoint-Login-Pass#1' } as NodeJS.ProcessEnv;

const VALID = `preset: patriot
pair:
  principal: { server: 127.0.0.1, port: 50123, instance: SQLPRI01, login: mirrorbook, password: "file:sql.password", encrypt: true, trustServerCertificate: true, mirroringAddress: "TCP://sqlpri01.lab.local:1430" }
  mirror: { server: 127.0.0.1, port: 50124, instance: SQLMIR01, login: mirrorbook, password: "file:sql.password", encrypt: true, trustServerCertificate: true, mirroringAddress: "TCP://sqlmir01.lab.local:1430" }
secrets:
  masterKeyPassword: "file:master-key.password"
  endpointLoginPassword: "env:MB_EP"
backup: { directory: 'D:\\Backup', mirrorReadsFrom: '\\\\SQLPRI01\\Backup' }
`;

const parse = (text: string) => parseConfig(text, join(dir, 'mirrorbook.yaml'), { env });

test('the patriot preset fills in the seed names', () => {
  const c = parse(VALID);
  assert.equal(c.databases, ['Patriot', 'PatriotArchive']);
  assert.is(c.endpoint.name, 'Endpoint_Mirroring');
  assert.is(c.endpoint.port, 1430);
  assert.is(c.endpoint.algorithm, 'AES');
  assert.ok(c.auth.mode === 'certificate');
  if (c.auth.mode !== 'certificate') return;
  assert.equal(c.auth.names.principal, { certificate: 'PRINCIPAL_cert', login: 'PRINCIPAL_login', user: 'PRINCIPAL_user' });
  assert.equal(c.auth.names.mirror, { certificate: 'MIRROR_cert', login: 'MIRROR_login', user: 'MIRROR_user' });
  assert.is(c.auth.expiryYears, 20);
  assert.is(c.auth.backdateDays, 1);
  assert.is(c.auth.exchange, 'binary');
  assert.is(c.pair.mirror.password.reveal(), 'Sql-Login-Pass1');
  assert.is(c.backup.mirrorReadsFrom, '\\\\SQLPRI01\\Backup');
});

const cases: [string, string, string][] = [
  ['unknown key', VALID + 'colour: blue\n', 'colour: unknown key'],
  ['typo in a server key', VALID.replace('port: 50124', 'prot: 50124'), 'pair.mirror.prot: unknown key'],
  ['missing server field', VALID.replace('port: 50124, ', ''), 'pair.mirror.port: missing'],
  ['wrong type', VALID.replace('port: 50124', 'port: "fifty"'), 'pair.mirror.port: expected an integer'],
  ['endpoint port out of range', VALID + 'endpoint: { port: 80 }\n', 'endpoint.port: expected an integer 1024–32767'],
  ['RC4 without allowRc4', VALID + 'endpoint: { algorithm: RC4 }\n', 'endpoint.algorithm: RC4 uses RC4'],
  ['adopted endpoint name not an identifier', VALID + 'endpoint: { names: { mirror: "Mirr]oring" } }\n', 'endpoint.names.mirror'],
  ['adopted endpoint name for an unknown role', VALID + 'endpoint: { names: { backup: Mirroring } }\n', 'endpoint.names.backup: unknown key'],
  ['bad mirroring address', VALID.replace('TCP://sqlmir01.lab.local:1430', 'sqlmir01:1430'), 'pair.mirror.mirroringAddress'],
  ['address port not the endpoint port', VALID.replace('TCP://sqlmir01.lab.local:1430', 'TCP://sqlmir01.lab.local:1431'), 'differs from endpoint.port'],
  ['literal secret', VALID.replace('"env:MB_EP"', 'Hunter2-Secret-Pass'), 'secrets.endpointLoginPassword: a literal secret is not allowed'],
  ['unset env secret', VALID.replace('env:MB_EP', 'env:NOT_SET_ANYWHERE'), 'secrets.endpointLoginPassword: environment variable NOT_SET_ANYWHERE'],
  ['weak password', VALID.replace('file:master-key.password', 'file:weak.password'), 'secrets.masterKeyPassword: the password is too weak'],
  ['bad database name', VALID + 'databases: [Patriot, "Pat]riot"]\n', 'databases[1]'],
  ['system database', VALID + 'databases: [msdb]\n', 'system databases cannot be mirrored'],
  ['domain without account', VALID + 'auth: { mode: domain }\n', 'auth.serviceAccount: missing'],
  ['domain account not DOMAIN\\name', VALID + 'auth: { mode: domain, serviceAccount: svcsql }\n', 'auth.serviceAccount'],
  ['backup not UNC', VALID.replace("'\\\\SQLPRI01\\Backup'", "'D:\\Backup'"), 'backup.mirrorReadsFrom'],
  ['unknown preset', VALID.replace('preset: patriot', 'preset: acme'), 'preset: "acme" is not allowed'],
  ['broken YAML', 'pair: { principal: [\n', 'not valid YAML'],
  [
    'CA file that is not there',
    VALID.replace(
      'trustServerCertificate: true, mirroringAddress: "TCP://sqlmir01',
      'trustServerCertificate: false, caFile: certs/missing-ca.pem, mirroringAddress: "TCP://sqlmir01',
    ),
    'pair.mirror.caFile: ',
  ],
  [
    'one certificate name for both partners',
    VALID + 'auth: { mode: certificate, certificates: { principal: Shared_cert, mirror: shared_CERT } }\n',
    'auth.certificates: gives two partners the same certificate name',
  ],
];

for (const [name, text, expected] of cases) {
  test(`refused: ${name}`, () => {
    try {
      parse(text);
      assert.unreachable('should have been refused');
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      assert.is(e.exitCode, 2);
      assert.ok(e.message.includes(expected), `expected "${expected}" in:\n${e.message}`);
      assert.not.ok(e.message.includes('Hunter2-Secret-Pass'), 'a literal secret must not be echoed');
    }
  });
}

test('RC4 is accepted only with allowRc4 and then flagged', () => {
  const c = parse(VALID + 'endpoint: { algorithm: RC4, allowRc4: true }\n');
  assert.is(c.endpoint.algorithm, 'RC4');
  assert.ok(c.warnings.some((w) => w.includes('RC4')));
});

test('endpoint.names adopts an existing endpoint per instance; the others keep endpoint.name', () => {
  const c = parse(VALID + 'endpoint: { names: { mirror: Mirroring } }\n');
  assert.is(endpointNameOf(c.endpoint, 'mirror'), 'Mirroring');
  assert.is(endpointNameOf(c.endpoint, 'principal'), 'Endpoint_Mirroring');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
