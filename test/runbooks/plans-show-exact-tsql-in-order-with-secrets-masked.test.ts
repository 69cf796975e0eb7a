import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.js';
import { buildProcedure, PROCEDURES } from '../../runbooks/index.js';
import { UsageError } from '../../cli/command.js';

const dir = mkdtempSync(join(tmpdir(), 'mb-plan-'));
writeFileSync(join(dir, 'sql.password'), 'Sql-Login-Pass1\n');
const env = { MB_MK: 'Master-Key-Pass#2026', MB_EP: 'Endpoint-Login-Pass#1' } as NodeJS.ProcessEnv;
const base = (extra = '') => `preset: patriot
pair:
  principal: { server: 127.0.0.1, port: 50123, instance: SQLPRI01, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://sqlpri01.lab.local:1430" }
  mirror: { server: 127.0.0.1, port: 50124, instance: SQLMIR01, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://sqlmir01.lab.local:1430" }
secrets: { masterKeyPassword: "env:MB_MK", endpointLoginPassword: "env:MB_EP" }
backup: { directory: 'D:\\Backup', mirrorReadsFrom: '\\\\SQLPRI01\\Backup', mirrorDirectory: 'E:\\Certs', principalReadsFrom: '\\\\SQLMIR01\\Certs' }
${extra}`;
const config = parseConfig(base(), join(dir, 'mirrorbook.yaml'), { env });
const now = new Date('2026-11-25T12:00:00Z');

const planOf = (name: string, c = config) =>
  buildProcedure(name, c, { now }).steps.flatMap((s) => s.plan().map((p) => ({ step: s.id, target: p.target, sql: p.tsql.masked })));

const withWitness = parseConfig(
  base().replace(
    'secrets:',
    '  witness: { server: 127.0.0.1, port: 50125, instance: SQLWIT01, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://sqlwit01.lab.local:1430" }\nsecrets:',
  ),
  join(dir, 'mirrorbook.yaml'),
  { env },
);

test('every procedure builds, with unique step ids and no secret in its plan', () => {
  for (const { name } of PROCEDURES.filter((p) => p.name !== 'domain-setup')) {
    const definition = buildProcedure(name, name === 'add-witness' ? withWitness : config, { now });
    assert.is(definition.name, name);
    const ids = definition.steps.map((s) => s.id);
    assert.is(new Set(ids).size, ids.length, `duplicate step id in ${name}`);
    const text = JSON.stringify(planOf(name, name === 'add-witness' ? withWitness : config));
    for (const secret of ['Master-Key-Pass#2026', 'Endpoint-Login-Pass#1', 'Sql-Login-Pass1']) assert.not.ok(text.includes(secret), `${name} leaks a secret`);
  }
});

test('add-witness without pair.witness is bad usage naming the field; with one it ends in SET WITNESS per database', () => {
  assert.throws(
    () => buildProcedure('add-witness', config, { now }),
    (e: unknown) => e instanceof UsageError && /pair\.witness/.test(e.message),
  );
  const sql = planOf('add-witness', withWitness).map((p) => p.sql);
  assert.ok(
    sql.some((s) => s.endsWith("ALTER DATABASE [Patriot] SET WITNESS = N'TCP://sqlwit01.lab.local:1430'")),
    sql.join('\n'),
  );
});

test('certificate-setup: seed names, AES, 20-year explicit dates backdated a day, binary exchange', () => {
  const plan = planOf('certificate-setup');
  const sql = plan.map((p) => `${p.target}: ${p.sql}`);
  assert.ok(sql.includes("principal: USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'****'"));
  assert.ok(
    sql.includes(
      "principal: USE master; CREATE CERTIFICATE [PRINCIPAL_cert] WITH SUBJECT = N'PRINCIPAL mirroring certificate for SQLPRI01', START_DATE = N'20261124', EXPIRY_DATE = N'20461124'",
    ),
  );
  assert.ok(
    sql.includes(
      'mirror: CREATE ENDPOINT [Endpoint_Mirroring] STATE = STARTED AS TCP (LISTENER_PORT = 1430, LISTENER_IP = ALL) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE [MIRROR_cert], ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL)',
    ),
  );
  assert.ok(sql.includes("principal: USE master; CREATE LOGIN [MIRROR_login] WITH PASSWORD = N'****'"));
  assert.ok(sql.includes('principal: USE master; CREATE USER [MIRROR_user] FOR LOGIN [MIRROR_login]'));
  assert.ok(sql.includes("mirror: SELECT CERTENCODED(CERT_ID(N'MIRROR_cert')) AS der"));
  assert.ok(sql.some((s) => s.startsWith('principal: USE master; CREATE CERTIFICATE [MIRROR_cert] AUTHORIZATION [MIRROR_user] FROM BINARY = 0x')));
  assert.ok(sql.includes('mirror: USE master; GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [PRINCIPAL_login]'));
  assert.not.ok(sql.some((s) => s.includes('RC4')));
  // Outbound (master key, certificate, endpoint) on every instance before any inbound login.
  const firstLogin = plan.findIndex((p) => p.sql.includes('CREATE LOGIN'));
  const lastEndpoint = plan.map((p) => p.sql.includes('ENDPOINT [')).lastIndexOf(true);
  assert.ok(lastEndpoint < firstLogin);
});

test('certificate-setup with auth.exchange file: BACKUP CERTIFICATE → UNC → FROM FILE', () => {
  const c = parseConfig(base('auth: { mode: certificate, exchange: file }\n'), join(dir, 'mirrorbook.yaml'), { env });
  const sql = planOf('certificate-setup', c).map((p) => `${p.target}: ${p.sql}`);
  assert.ok(sql.includes("principal: USE master; BACKUP CERTIFICATE [PRINCIPAL_cert] TO FILE = N'D:\\Backup\\PRINCIPAL_cert.cer'"));
  assert.ok(
    sql.includes(
      "mirror: USE master; CREATE CERTIFICATE [PRINCIPAL_cert] AUTHORIZATION [PRINCIPAL_user] FROM FILE = N'\\\\SQLPRI01\\Backup\\PRINCIPAL_cert.cer'",
    ),
  );
  assert.ok(
    sql.includes("principal: USE master; CREATE CERTIFICATE [MIRROR_cert] AUTHORIZATION [MIRROR_user] FROM FILE = N'\\\\SQLMIR01\\Certs\\MIRROR_cert.cer'"),
  );
});

test('restore: backups to files named after the run, COPY_ONLY/COMPRESSION decided on the server, restores on the mirror from the UNC path WITH NORECOVERY', () => {
  const sql = planOf('restore').map((p) => `${p.target}: ${p.sql}`);
  const lines = sql.flatMap((s) => s.split('\n').map((line, i) => (i === 0 ? line : `${s.slice(0, s.indexOf(':'))}: ${line}`)));
  assert.ok(
    lines.includes("principal: BACKUP DATABASE [Patriot] TO DISK = N'D:\\Backup\\Patriot_mirrorbook_<run id>.bak' WITH CHECKSUM, COMPRESSION, STATS = 10"),
  );
  assert.ok(lines.includes('principal: -- COPY_ONLY when the database already has a backup chain; COMPRESSION where the edition creates compressed backups'));
  assert.ok(
    lines.includes(
      "principal: BACKUP LOG [PatriotArchive] TO DISK = N'D:\\Backup\\PatriotArchive_mirrorbook_<run id>.trn' WITH CHECKSUM, COMPRESSION, STATS = 10",
    ),
  );
  assert.ok(
    lines.includes(
      "mirror: RESTORE DATABASE [Patriot] FROM DISK = N'\\\\SQLPRI01\\Backup\\Patriot_mirrorbook_<run id>.bak' WITH FILE = 1, NORECOVERY, REPLACE, STATS = 10",
    ),
  );
  assert.not.ok(
    sql.some((s) => /\bINIT\b|\bFORMAT\b|Patriot\.dat/.test(s)),
    "never INIT/FORMAT, never the site's own file names",
  );
  assert.ok(sql.some((s) => s.startsWith('mirror: SELECT session_id, program_name') && s.includes("program_name LIKE N'Patriot%'")));
  const definition = buildProcedure('restore', config, { now });
  assert.ok(definition.steps.find((s) => s.id === 'mirror.overwrite-existing-copies')?.destructive?.confirmText === 'SQLMIR01');
  assert.ok(
    definition.steps.find((s) => s.id === 'mirror.copy-seed-backups.Patriot')?.manual?.instructions.includes('RESTORE HEADERONLY and RESTORE VERIFYONLY'),
  );
});

test('enable: SET PARTNER on the mirror before the principal, addresses of the other partner', () => {
  const sql = planOf('enable').map((p) => `${p.target}: ${p.sql}`);
  const onMirror = sql.indexOf("mirror: ALTER DATABASE [Patriot] SET PARTNER = N'TCP://sqlpri01.lab.local:1430'");
  const onPrincipal = sql.indexOf("principal: ALTER DATABASE [Patriot] SET PARTNER = N'TCP://sqlmir01.lab.local:1430'");
  assert.ok(onMirror >= 0 && onPrincipal > onMirror);
});

test('failover, promote, disable: the right statements and typed confirmations', () => {
  assert.ok(planOf('failover').some((p) => p.target === 'principal' && p.sql === 'USE master; ALTER DATABASE [Patriot] SET PARTNER FAILOVER'));
  assert.ok(planOf('failback').some((p) => p.target === 'mirror' && p.sql === 'USE master; ALTER DATABASE [Patriot] SET PARTNER FAILOVER'));
  const promote = buildProcedure('promote', config, { now });
  assert.is(promote.steps.find((s) => s.destructive)?.destructive?.confirmText, 'SQLMIR01');
  assert.ok(planOf('promote').some((p) => p.sql.includes('SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS')));
  const disable = buildProcedure('disable', config, { now });
  assert.is(disable.steps[0]!.destructive?.confirmText, 'SQLPRI01');
  assert.ok(planOf('disable').some((p) => p.sql === 'RESTORE DATABASE [PatriotArchive] WITH RECOVERY'));
});

test('setup chains auth, restore and enable; domain mode uses the service account', () => {
  const ids = buildProcedure('setup', config, { now }).steps.map((s) => s.id);
  assert.ok(ids.indexOf('principal.master-key') < ids.indexOf('mirror.restore-full.Patriot'));
  assert.ok(ids.indexOf('mirror.restore-logs.PatriotArchive') < ids.indexOf('mirror.set-partner.Patriot'));
  const domain = parseConfig(base('auth: { mode: domain, serviceAccount: CORP\\svc-sql }\n'), join(dir, 'mirrorbook.yaml'), { env });
  const steps = buildProcedure('setup', domain, { now }).steps;
  assert.ok(steps[0]!.manual && steps[0]!.target === 'operator');
  const sql = steps.flatMap((s) => s.plan().map((p) => p.tsql.masked));
  assert.ok(sql.includes('USE master; CREATE LOGIN [CORP\\svc-sql] FROM WINDOWS'));
  assert.ok(sql.some((s) => s.includes('AUTHENTICATION = WINDOWS NEGOTIATE')));
  assert.throws(
    () => buildProcedure('certificate-setup', domain),
    (e: unknown) => e instanceof UsageError,
  );
});

test('an unknown procedure is a usage error listing the procedures', () => {
  assert.throws(
    () => buildProcedure('failoverr', config),
    (e: unknown) => e instanceof UsageError && (e.hint ?? '').includes('failover'),
  );
});

test('the plan is stable for a given start time (pinned definitions)', () => {
  assert.equal(planOf('setup'), planOf('setup'));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
