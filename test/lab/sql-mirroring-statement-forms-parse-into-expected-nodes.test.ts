// biome-ignore-all format: one case a line is the table a reader scans
// Every statement form of mirroring-facts.md sections 0 and 1 (and the task's list) → its node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Statement } from '../../lab/sql/ast.js';
import { parseBatch } from '../../lab/sql/parse.js';

function one(sql: string): Statement {
  const statements = parseBatch(sql);
  assert.is(statements.length, 1, `one statement in: ${sql}`);
  return statements[0]!;
}

const strip = ({ line: _line, ...rest }: Statement) => rest;

test('master key: create, drop, open, close', () => {
  assert.equal(parseBatch("USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = '<strong pwd>';"), [
    { kind: 'use', line: 1, database: 'master' },
    { kind: 'createMasterKey', line: 1, password: '<strong pwd>' },
  ]);
  assert.equal(one('DROP MASTER KEY'), { kind: 'dropMasterKey', line: 1 });
  assert.equal(one("OPEN MASTER KEY DECRYPTION BY PASSWORD = 'it''s'"), { kind: 'openMasterKey', line: 1, password: "it's" });
  assert.equal(one('CLOSE MASTER KEY'), { kind: 'closeMasterKey', line: 1 });
});

test('new self-signed certificate with AUTHORIZATION, ENCRYPTION BY PASSWORD and dates in any order', () => {
  assert.equal(strip(one(`CREATE CERTIFICATE PRINCIPAL_cert AUTHORIZATION dbo ENCRYPTION BY PASSWORD = 'pwd'
     WITH SUBJECT = 'text', EXPIRY_DATE = '20450101', START_DATE = '20250101';`)), {
    kind: 'createCertificate', name: 'PRINCIPAL_cert', authorization: 'dbo',
    source: { kind: 'new', encryptionPassword: 'pwd', subject: 'text', startDate: '20250101', expiryDate: '20450101' },
  });
  assert.equal(strip(one("CREATE CERTIFICATE [W cert] WITH SUBJECT = N'Witness'")), {
    kind: 'createCertificate', name: 'W cert', source: { kind: 'new', subject: 'Witness' },
  });
});

test('BACKUP CERTIFICATE with and without the private key', () => {
  assert.equal(strip(one("BACKUP CERTIFICATE PRINCIPAL_cert TO FILE = 'D:\\certs\\PRINCIPAL_cert.cer'")), {
    kind: 'backupCertificate', name: 'PRINCIPAL_cert', file: 'D:\\certs\\PRINCIPAL_cert.cer',
  });
  assert.equal(strip(one(`BACKUP CERTIFICATE c TO FILE = 'c.cer' WITH PRIVATE KEY ( FILE = 'c.pvk',
      ENCRYPTION BY PASSWORD = 'e', DECRYPTION BY PASSWORD = 'd' )`)), {
    kind: 'backupCertificate', name: 'c', file: 'c.cer', privateKey: { file: 'c.pvk', encryptionPassword: 'e', decryptionPassword: 'd' },
  });
});

test('certificate imported FROM FILE / FROM BINARY, with private keys', () => {
  assert.equal(strip(one(`CREATE CERTIFICATE MIRROR_cert AUTHORIZATION MIRROR_user FROM FILE = 'D:\\certs\\MIRROR_cert.cer'
     WITH PRIVATE KEY (FILE='D:\\certs\\MIRROR_cert.pvk', DECRYPTION BY PASSWORD='d', ENCRYPTION BY PASSWORD='e')`)), {
    kind: 'createCertificate', name: 'MIRROR_cert', authorization: 'MIRROR_user',
    source: { kind: 'file', path: 'D:\\certs\\MIRROR_cert.cer', privateKey: { file: 'D:\\certs\\MIRROR_cert.pvk', decryptionPassword: 'd', encryptionPassword: 'e' } },
  });
  assert.equal(strip(one("CREATE CERTIFICATE m AUTHORIZATION u FROM BINARY = 0x3082ABcd WITH PRIVATE KEY (BINARY = 0x1E, DECRYPTION BY PASSWORD = 'p')")), {
    kind: 'createCertificate', name: 'm', authorization: 'u',
    source: { kind: 'binary', data: Buffer.from([0x30, 0x82, 0xab, 0xcd]), privateKey: { binary: Buffer.from([0x1e]), decryptionPassword: 'p' } },
  });
  assert.equal(one('DROP CERTIFICATE MIRROR_cert'), { kind: 'dropCertificate', line: 1, name: 'MIRROR_cert' });
});

test('CERTENCODED / CERTPRIVATEKEY / CERT_ID are ordinary function calls', () => {
  const s = one("SELECT CERTENCODED(CERT_ID('PRINCIPAL_cert')) AS der, CERTPRIVATEKEY(CERT_ID('c'), 'e', 'd')");
  assert.is(s.kind, 'select');
  if (s.kind !== 'select') return;
  assert.equal(s.items[0], {
    kind: 'expr', alias: 'der',
    expr: { kind: 'call', name: 'CERTENCODED', schema: [], star: false, distinct: false, args: [
      { kind: 'call', name: 'CERT_ID', schema: [], star: false, distinct: false, args: [{ kind: 'string', value: 'PRINCIPAL_cert', unicode: false }] },
    ] },
  });
});

const endpoint = (auth: string, enc = 'REQUIRED') => one(`CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED
  AS TCP (LISTENER_PORT = 7022) FOR DATABASE_MIRRORING (AUTHENTICATION = ${auth}, ENCRYPTION = ${enc}, ROLE = PARTNER)`);
const authOf = (s: Statement) => (s.kind === 'createEndpoint' ? s.mirroring.authentication : undefined);
const encOf = (s: Statement) => (s.kind === 'createEndpoint' ? s.mirroring.encryption : undefined);

test('endpoint AUTHENTICATION: every form of section 1.6, in the order written', () => {
  assert.equal(authOf(endpoint('WINDOWS')), [{ kind: 'WINDOWS', protocol: 'NEGOTIATE' }]);
  assert.equal(authOf(endpoint('WINDOWS NTLM')), [{ kind: 'WINDOWS', protocol: 'NTLM' }]);
  assert.equal(authOf(endpoint('WINDOWS KERBEROS')), [{ kind: 'WINDOWS', protocol: 'KERBEROS' }]);
  assert.equal(authOf(endpoint('CERTIFICATE c')), [{ kind: 'CERTIFICATE', certificate: 'c' }]);
  assert.equal(authOf(endpoint('WINDOWS NEGOTIATE CERTIFICATE c')), [{ kind: 'WINDOWS', protocol: 'NEGOTIATE' }, { kind: 'CERTIFICATE', certificate: 'c' }]);
  assert.equal(authOf(endpoint('CERTIFICATE [c] WINDOWS KERBEROS')), [{ kind: 'CERTIFICATE', certificate: 'c' }, { kind: 'WINDOWS', protocol: 'KERBEROS' }]);
  assert.equal(authOf(endpoint('CERTIFICATE c WINDOWS')), [{ kind: 'CERTIFICATE', certificate: 'c' }, { kind: 'WINDOWS', protocol: 'NEGOTIATE' }]);
});

test('endpoint ENCRYPTION: DISABLED, SUPPORTED/REQUIRED with each ALGORITHM list', () => {
  assert.equal(encOf(endpoint('WINDOWS', 'DISABLED')), { mode: 'DISABLED' });
  assert.equal(encOf(endpoint('WINDOWS', 'SUPPORTED')), { mode: 'SUPPORTED' });
  assert.equal(encOf(endpoint('WINDOWS', 'REQUIRED ALGORITHM AES')), { mode: 'REQUIRED', algorithms: ['AES'] });
  assert.equal(encOf(endpoint('WINDOWS', 'SUPPORTED ALGORITHM RC4')), { mode: 'SUPPORTED', algorithms: ['RC4'] });
  assert.equal(encOf(endpoint('WINDOWS', 'REQUIRED ALGORITHM AES RC4')), { mode: 'REQUIRED', algorithms: ['AES', 'RC4'] });
  assert.equal(encOf(endpoint('WINDOWS', 'REQUIRED ALGORITHM RC4 AES')), { mode: 'REQUIRED', algorithms: ['RC4', 'AES'] });
});

test('endpoint options in any order, owner, listener addresses; ALTER and DROP', () => {
  assert.equal(strip(one(`CREATE ENDPOINT ep AUTHORIZATION [DOM\\dba] AS TCP (LISTENER_IP = (10.0.0.5), LISTENER_PORT = 5022)
    FOR DATABASE_MIRRORING (ROLE = WITNESS, ENCRYPTION = SUPPORTED, AUTHENTICATION = WINDOWS)`)), {
    kind: 'createEndpoint', name: 'ep', authorization: 'DOM\\dba', tcp: { port: 5022, ip: '10.0.0.5' },
    mirroring: { role: 'WITNESS', encryption: { mode: 'SUPPORTED' }, authentication: [{ kind: 'WINDOWS', protocol: 'NEGOTIATE' }] },
  });
  const v6 = one("CREATE ENDPOINT ep STATE = DISABLED AS TCP (LISTENER_PORT = 5022, LISTENER_IP = ('::1')) FOR DATABASE_MIRRORING (ROLE = ALL)");
  assert.equal(v6.kind === 'createEndpoint' && [v6.state, v6.tcp], ['DISABLED', { port: 5022, ip: '::1' }]);
  assert.equal(one('ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED'), { kind: 'alterEndpoint', line: 1, name: 'Endpoint_Mirroring', state: 'STARTED' });
  assert.equal(strip(one('ALTER ENDPOINT e AS TCP (LISTENER_PORT = 7024) FOR DATABASE_MIRRORING (ROLE = ALL)')), {
    kind: 'alterEndpoint', name: 'e', tcp: { port: 7024 }, mirroring: { role: 'ALL' },
  });
  assert.equal(one('DROP ENDPOINT Endpoint_Mirroring'), { kind: 'dropEndpoint', line: 1, name: 'Endpoint_Mirroring' });
});

test('logins: password with options, Windows, certificate; ALTER and DROP', () => {
  assert.equal(strip(one("CREATE LOGIN MIRROR_login WITH PASSWORD = 'p', CHECK_POLICY = OFF, CHECK_EXPIRATION = OFF, DEFAULT_DATABASE = [master]")), {
    kind: 'createLogin', name: 'MIRROR_login',
    source: { kind: 'password', password: 'p', options: { checkPolicy: false, checkExpiration: false, defaultDatabase: 'master' } },
  });
  assert.equal(strip(one('CREATE LOGIN [DOMAIN\\svcacct] FROM WINDOWS')), { kind: 'createLogin', name: 'DOMAIN\\svcacct', source: { kind: 'windows', options: {} } });
  assert.equal(strip(one('CREATE LOGIN c_login FROM CERTIFICATE c')), { kind: 'createLogin', name: 'c_login', source: { kind: 'certificate', certificate: 'c' } });
  assert.equal(strip(one('ALTER LOGIN x ENABLE')), { kind: 'alterLogin', name: 'x', action: { kind: 'enable' } });
  assert.equal(strip(one('ALTER LOGIN x DISABLE')), { kind: 'alterLogin', name: 'x', action: { kind: 'disable' } });
  assert.equal(strip(one("ALTER LOGIN x WITH PASSWORD = 'n' OLD_PASSWORD = 'o', CHECK_POLICY = ON")), {
    kind: 'alterLogin', name: 'x', action: { kind: 'with', password: 'n', oldPassword: 'o', options: { checkPolicy: true } },
  });
  assert.equal(one('DROP LOGIN MIRROR_login'), { kind: 'dropLogin', line: 1, name: 'MIRROR_login' });
});

test('users, permissions, server role membership', () => {
  assert.equal(strip(one('CREATE USER u FROM LOGIN l')), { kind: 'createUser', name: 'u', source: { kind: 'login', login: 'l' } });
  assert.equal(strip(one('CREATE USER u WITHOUT LOGIN')), { kind: 'createUser', name: 'u', source: { kind: 'withoutLogin' } });
  assert.equal(one('DROP USER MIRROR_user'), { kind: 'dropUser', line: 1, name: 'MIRROR_user' });
  const base = { withGrantOption: false, grantOptionFor: false, cascade: false };
  assert.equal(strip(one('GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [DOMAIN\\svcacct]')), {
    kind: 'permission', action: 'GRANT', permissions: ['CONNECT'], on: { class: 'ENDPOINT', name: ['Endpoint_Mirroring'] }, principals: ['DOMAIN\\svcacct'], ...base,
  });
  assert.equal(strip(one('DENY CONNECT ON ENDPOINT::e TO l')), {
    kind: 'permission', action: 'DENY', permissions: ['CONNECT'], on: { class: 'ENDPOINT', name: ['e'] }, principals: ['l'], ...base,
  });
  assert.equal(strip(one('REVOKE CONNECT ON ENDPOINT::e FROM l')), {
    kind: 'permission', action: 'REVOKE', permissions: ['CONNECT'], on: { class: 'ENDPOINT', name: ['e'] }, principals: ['l'], ...base,
  });
  assert.equal(strip(one('GRANT CONNECT SQL, ALTER ANY ENDPOINT TO [l] WITH GRANT OPTION')), {
    kind: 'permission', action: 'GRANT', permissions: ['CONNECT SQL', 'ALTER ANY ENDPOINT'], principals: ['l'], ...base, withGrantOption: true,
  });
  assert.equal(strip(one('ALTER SERVER ROLE sysadmin ADD MEMBER [DOMAIN\\svcacct]')), { kind: 'alterServerRole', role: 'sysadmin', action: 'ADD', member: 'DOMAIN\\svcacct' });
  assert.equal(strip(one('ALTER SERVER ROLE sysadmin DROP MEMBER x')), { kind: 'alterServerRole', role: 'sysadmin', action: 'DROP', member: 'x' });
});

test('databases: create, drop, recovery model, state and user access with termination', () => {
  assert.equal(one('CREATE DATABASE Patriot'), { kind: 'createDatabase', line: 1, name: 'Patriot' });
  assert.equal(one('DROP DATABASE Patriot, [PatriotArchive]'), { kind: 'dropDatabase', line: 1, names: ['Patriot', 'PatriotArchive'], ifExists: false });
  for (const model of ['FULL', 'SIMPLE', 'BULK_LOGGED'] as const) {
    assert.equal(strip(one(`ALTER DATABASE Patriot SET RECOVERY ${model.toLowerCase()};`)), { kind: 'alterDatabase', name: 'Patriot', action: { kind: 'recovery', model } });
  }
  assert.equal(strip(one('ALTER DATABASE Patriot SET SINGLE_USER WITH ROLLBACK IMMEDIATE')), {
    kind: 'alterDatabase', name: 'Patriot', action: { kind: 'userAccess', access: 'SINGLE_USER' }, termination: { kind: 'rollbackImmediate' },
  });
  assert.equal(strip(one('ALTER DATABASE Patriot SET OFFLINE')), { kind: 'alterDatabase', name: 'Patriot', action: { kind: 'state', state: 'OFFLINE' } });
  assert.equal(strip(one('ALTER DATABASE Patriot SET ONLINE')), { kind: 'alterDatabase', name: 'Patriot', action: { kind: 'state', state: 'ONLINE' } });
  assert.equal(strip(one('ALTER DATABASE Patriot SET MULTI_USER')), { kind: 'alterDatabase', name: 'Patriot', action: { kind: 'userAccess', access: 'MULTI_USER' } });
});

test('SET PARTNER and SET WITNESS: every option of section 1.9', () => {
  const action = (sql: string) => {
    const s = one(sql);
    return s.kind === 'alterDatabase' ? s.action : undefined;
  };
  assert.equal(action("ALTER DATABASE Patriot SET PARTNER = 'TCP://sqlpri01.corp.local:1430'"), { kind: 'partner', address: 'TCP://sqlpri01.corp.local:1430' });
  for (const option of ['FAILOVER', 'FORCE_SERVICE_ALLOW_DATA_LOSS', 'OFF', 'RESUME', 'SUSPEND'] as const) {
    assert.equal(action(`ALTER DATABASE Patriot SET PARTNER ${option}`), { kind: 'partnerOption', option });
  }
  assert.equal(action('ALTER DATABASE Patriot SET PARTNER SAFETY OFF'), { kind: 'partnerSafety', safety: 'OFF' });
  assert.equal(action('ALTER DATABASE Patriot SET PARTNER SAFETY FULL'), { kind: 'partnerSafety', safety: 'FULL' });
  assert.equal(action('ALTER DATABASE Patriot SET PARTNER TIMEOUT 30'), { kind: 'partnerTimeout', seconds: 30 });
  assert.equal(action("ALTER DATABASE Patriot SET WITNESS = 'TCP://sqlwit01:1430'"), { kind: 'witness', address: 'TCP://sqlwit01:1430' });
  assert.equal(action('ALTER DATABASE Patriot SET WITNESS OFF'), { kind: 'witnessOff' });
});

test('BACKUP DATABASE / LOG with devices and options', () => {
  assert.equal(strip(one("BACKUP DATABASE Patriot TO DISK = 'E:\\Backup\\Patriot.dat', DISK = 'F:\\b2.dat' WITH INIT, FORMAT, CHECKSUM, COMPRESSION, STATS=10, COPY_ONLY, NAME = 'n', DESCRIPTION = 'd'")), {
    kind: 'backup', target: 'DATABASE', database: 'Patriot', disks: ['E:\\Backup\\Patriot.dat', 'F:\\b2.dat'],
    options: { init: true, format: true, checksum: true, compression: true, stats: 10, copyOnly: true, name: 'n', description: 'd' },
  });
  assert.equal(strip(one("BACKUP LOG Patriot TO DISK = 'E:\\Backup\\Patriot_log.dat' WITH NOINIT, STATS")), {
    kind: 'backup', target: 'LOG', database: 'Patriot', disks: ['E:\\Backup\\Patriot_log.dat'], options: { init: false, stats: 10 },
  });
});

test('RESTORE DATABASE / LOG / WITH RECOVERY only / FILELISTONLY, HEADERONLY, VERIFYONLY', () => {
  assert.equal(strip(one(`RESTORE DATABASE Patriot FROM DISK = 'E:\\Backup\\Patriot.dat'
     WITH NORECOVERY, REPLACE, MOVE 'Patriot' TO 'F:\\Data\\Patriot.mdf', MOVE 'Patriot_log' TO 'G:\\Log\\Patriot_log.ldf', FILE = 2, STATS = 5, CHECKSUM`)), {
    kind: 'restore', target: 'DATABASE', database: 'Patriot', disks: ['E:\\Backup\\Patriot.dat'],
    options: { recovery: 'NORECOVERY', replace: true, file: 2, stats: 5, checksum: true, moves: [
      { logicalName: 'Patriot', physicalName: 'F:\\Data\\Patriot.mdf' }, { logicalName: 'Patriot_log', physicalName: 'G:\\Log\\Patriot_log.ldf' },
    ] },
  });
  assert.equal(strip(one("RESTORE LOG Patriot FROM DISK = 'l.dat' WITH NORECOVERY, FILE = 3")), {
    kind: 'restore', target: 'LOG', database: 'Patriot', disks: ['l.dat'], options: { recovery: 'NORECOVERY', file: 3, moves: [] },
  });
  assert.equal(strip(one("RESTORE LOG Patriot FROM DISK = 'l.dat' WITH STANDBY = 'u.bak'")), {
    kind: 'restore', target: 'LOG', database: 'Patriot', disks: ['l.dat'], options: { recovery: 'STANDBY', standbyFile: 'u.bak', moves: [] },
  });
  assert.equal(strip(one('RESTORE DATABASE Patriot WITH RECOVERY')), {
    kind: 'restore', target: 'DATABASE', database: 'Patriot', disks: [], options: { recovery: 'RECOVERY', moves: [] },
  });
  assert.equal(strip(one("RESTORE FILELISTONLY FROM DISK = 'E:\\Backup\\Patriot.dat'")), { kind: 'restoreInfo', what: 'FILELISTONLY', disks: ['E:\\Backup\\Patriot.dat'] });
  assert.equal(strip(one("RESTORE HEADERONLY FROM DISK = 'x' WITH FILE = 2")), { kind: 'restoreInfo', what: 'HEADERONLY', disks: ['x'], file: 2 });
  assert.equal(strip(one("RESTORE VERIFYONLY FROM DISK = 'x'")), { kind: 'restoreInfo', what: 'VERIFYONLY', disks: ['x'] });
});

test('EXEC forms: monitor procedures, bare-word and named arguments, implicit EXEC', () => {
  assert.equal(strip(one('EXEC msdb.dbo.sp_dbmmonitoraddmonitoring 1')), {
    kind: 'exec', procedure: ['msdb', 'dbo', 'sp_dbmmonitoraddmonitoring'], args: [{ value: { kind: 'number', value: 1, integer: true }, output: false }],
  });
  assert.equal(strip(one('EXECUTE msdb.dbo.sp_dbmmonitorresults Patriot, 2, 0')), {
    kind: 'exec', procedure: ['msdb', 'dbo', 'sp_dbmmonitorresults'], args: [
      { value: { kind: 'string', value: 'Patriot', unicode: true }, output: false },
      { value: { kind: 'number', value: 2, integer: true }, output: false },
      { value: { kind: 'number', value: 0, integer: true }, output: false },
    ],
  });
  assert.equal(strip(one("EXEC @rc = sp_addsrvrolemember @loginame = N'DOMAIN\\svc', @rolename = 'sysadmin'")), {
    kind: 'exec', procedure: ['sp_addsrvrolemember'], returnVariable: '@rc', args: [
      { name: '@loginame', value: { kind: 'string', value: 'DOMAIN\\svc', unicode: true }, output: false },
      { name: '@rolename', value: { kind: 'string', value: 'sysadmin', unicode: false }, output: false },
    ],
  });
  assert.equal(strip(one('sp_dbmmonitorhelpmonitoring')), { kind: 'exec', procedure: ['sp_dbmmonitorhelpmonitoring'], args: [] });
});

test('session statements: what tedious and FreeTDS send after login, variables, control flow', () => {
  assert.equal(parseBatch(`set textsize 2147483647
set quoted_identifier, ansi_nulls on
SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET DATEFORMAT mdy SET LOCK_TIMEOUT -1`).map(strip), [
    { kind: 'setOption', options: ['TEXTSIZE'], value: '2147483647' },
    { kind: 'setOption', options: ['QUOTED_IDENTIFIER', 'ANSI_NULLS'], value: 'ON' },
    { kind: 'setOption', options: ['TRANSACTION ISOLATION LEVEL'], value: 'READ COMMITTED' },
    { kind: 'setOption', options: ['DATEFORMAT'], value: 'MDY' },
    { kind: 'setOption', options: ['LOCK_TIMEOUT'], value: '-1' },
  ]);
  assert.equal(parseBatch("DECLARE @db sysname = N'Patriot', @n int; SET @n = 1 SELECT @n = database_id FROM sys.databases PRINT @db").map((s) => s.kind),
    ['declare', 'setVariable', 'select', 'print']);
  assert.equal(strip(one("WAITFOR DELAY '00:00:05'")), { kind: 'waitfor', mode: 'DELAY', value: { kind: 'string', value: '00:00:05', unicode: false } });
  const ifs = one(`IF NOT EXISTS (SELECT * FROM sys.certificates WHERE name = 'c')
BEGIN
  CREATE CERTIFICATE c WITH SUBJECT = 's'
  PRINT 'created'
END
ELSE PRINT 'kept'`);
  assert.is(ifs.kind, 'if');
  if (ifs.kind !== 'if') return;
  assert.is(ifs.condition.kind, 'not');
  assert.equal(ifs.then.kind === 'block' && ifs.then.statements.map((s) => [s.kind, s.line]), [['createCertificate', 3], ['print', 4]]);
  assert.is(ifs.else?.kind, 'print');
  assert.equal(parseBatch('BEGIN TRAN; COMMIT TRANSACTION; BEGIN TRANSACTION t ROLLBACK').map(strip), [
    { kind: 'transaction', action: 'BEGIN' }, { kind: 'transaction', action: 'COMMIT' },
    { kind: 'transaction', action: 'BEGIN', name: 't' }, { kind: 'transaction', action: 'ROLLBACK' },
  ]);
});

test('each statement carries the line it starts on', () => {
  const lines = parseBatch(`-- comment line
/* block
   comment */ USE master

SELECT 1
  ; ALTER DATABASE Patriot
    SET PARTNER OFF`).map((s) => [s.kind, s.line]);
  assert.equal(lines, [['use', 3], ['select', 5], ['alterDatabase', 6]]);
});

test.run();
