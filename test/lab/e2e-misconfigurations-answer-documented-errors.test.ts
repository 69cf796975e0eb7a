// Issue point 7: the certificate setup, restore and enable, with the mistakes operators make on the
// way — each answered with SQL Server's documented error number (mirroring-facts.md sections 1 and 4).
// The steps run in order on one lab; each mistake is followed by the right statement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import sql from 'mssql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestLab, waitFor, type TestLab } from '../helpers/lab.js';
import { backupScript, seedContextFromLab, seedScripts, type SeedContext } from '../fixtures/lab/seed-scripts.js';
import { connect, quickBackups, waitForState, type Session } from '../fixtures/lab/pair.js';

let lab: TestLab;
let c: SeedContext;
let principal: Session;
let mirror: Session;

async function expectError(session: Session, text: string, number: number): Promise<void> {
  const numbers = await session.errorsOf(text);
  assert.ok(numbers.includes(number), `expected error ${number}, got ${numbers.join(', ')} from: ${text}`);
}

test.before(async () => {
  lab = await startTestLab();
  await quickBackups(lab);
  c = seedContextFromLab(lab.dir);
  principal = await connect(lab, 'SQLPRI01');
  mirror = await connect(lab, 'SQLMIR01');
});

test('15581: a certificate before the master key', async () => {
  await expectError(mirror, "CREATE CERTIFICATE MIRROR_cert WITH SUBJECT = 'MIRROR certificate'", 15581);
});

test('15116: a master key password that is too short', async () => {
  await expectError(mirror, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Pa1#'", 15116);
});

test('15118: a master key password that is not complex enough', async () => {
  await expectError(mirror, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'alllowercaseletters'", 15118);
  const scripts = seedScripts(c);
  await principal.script(scripts.principalEndpoint);
  await mirror.script(scripts.mirrorEndpoint);
});

test('15578: a second master key', async () => {
  await expectError(principal, `CREATE MASTER KEY ENCRYPTION BY PASSWORD = '${c.masterKeyPassword}'`, 15578);
});

test('15232: a certificate name that exists', async () => {
  await expectError(principal, "CREATE CERTIFICATE PRINCIPAL_cert WITH SUBJECT = 'again'", 15232);
});

test('7862: a second DATABASE_MIRRORING endpoint', async () => {
  await expectError(
    principal,
    `CREATE ENDPOINT Endpoint_Mirroring2 STATE = STARTED AS TCP (LISTENER_PORT = 1431)
FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE PRINCIPAL_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL)`,
    7862,
  );
});

test('15151: backing up a certificate that does not exist', async () => {
  await expectError(principal, "BACKUP CERTIFICATE NoSuch_cert TO FILE = 'C:\\Temp\\NoSuch_cert.cer'", 15151);
});

test('15240: backing up a certificate over an existing file', async () => {
  await expectError(principal, `BACKUP CERTIFICATE PRINCIPAL_cert TO FILE = '${c.principalBackupDir}\\PRINCIPAL_cert.cer'`, 15240);
});

test('15208: importing a certificate file that is not there', async () => {
  await expectError(mirror, `USE master; CREATE CERTIFICATE PRINCIPAL_cert FROM FILE = '${c.mirrorReadsFrom}\\NoSuch_cert.cer'`, 15208);
});

test('15007: a user for a login that does not exist', async () => {
  await expectError(principal, 'USE master; CREATE USER MIRROR_user FOR LOGIN NoSuch_login', 15007);
  await principal.script(seedScripts(c).principalUser);
});

test('15025: a login that exists', async () => {
  await expectError(principal, `CREATE LOGIN MIRROR_login WITH PASSWORD = '${c.endpointLoginPassword}'`, 15025);
});

test('15023: a user that exists', async () => {
  await expectError(principal, 'USE master; CREATE USER MIRROR_user FOR LOGIN MIRROR_login', 15023);
});

test('15151: CONNECT for a login that does not exist', async () => {
  await expectError(principal, 'USE master; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [NoSuch_login]', 15151);
});

test('4621: a server-scope GRANT outside master', async () => {
  await expectError(principal, 'USE Patriot; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [MIRROR_login]', 4621);
  await principal.run('USE master');
});

test('15138: dropping the user that owns the peer certificate', async () => {
  await expectError(principal, 'USE master; DROP USER MIRROR_user', 15138);
  // The mirror side, but without the CONNECT grant: the handshake will fail later (1418).
  await mirror.script(seedScripts(c).mirrorUser.replace(/GRANT CONNECT[^\n]*\n/, ''));
});

test('4208: a log backup under SIMPLE recovery (PatriotArchive ships SIMPLE)', async () => {
  await expectError(principal, `BACKUP LOG PatriotArchive TO DISK = '${c.principalBackupDir}\\PatriotArchive.log'`, 4208);
});

test('3201: a backup into a folder that does not exist', async () => {
  await expectError(principal, "BACKUP DATABASE Patriot TO DISK = 'Q:\\NoSuchFolder\\Patriot.dat'", 3201);
});

test('3021: BACKUP inside a user transaction', async () => {
  await expectError(principal, `BEGIN TRANSACTION; BACKUP DATABASE Patriot TO DISK = '${c.principalBackupDir}\\Patriot.dat' WITH INIT`, 3021);
  await principal.run('ROLLBACK TRANSACTION');
});

test('226: ALTER DATABASE inside a user transaction', async () => {
  await expectError(principal, 'BEGIN TRANSACTION; ALTER DATABASE Patriot SET RECOVERY FULL', 226);
  await principal.run('ROLLBACK TRANSACTION');
  await principal.script(backupScript(c, ['Patriot']));
  // A scheduled log backup runs meanwhile: the mirror will need it too.
  await principal.run(`BACKUP LOG Patriot TO DISK = '${c.principalBackupDir}\\Patriot_2.log' WITH INIT`);
});

test('4305: a log backup restored before the one it follows', async () => {
  await mirror.run(`RESTORE DATABASE Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot.dat' WITH NORECOVERY`);
  await expectError(mirror, `RESTORE LOG Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot_2.log' WITH NORECOVERY`, 4305);
});

test('4326: a log backup restored twice', async () => {
  await mirror.run(`RESTORE LOG Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot.log' WITH NORECOVERY`);
  await expectError(mirror, `RESTORE LOG Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot.log' WITH NORECOVERY`, 4326);
});

test('927: using a database in the middle of a restore', async () => {
  await expectError(mirror, 'USE Patriot', 927);
});

test("1418: the mirror has not granted CONNECT to the principal's login (28034 in its error log)", async () => {
  await expectError(principal, `ALTER DATABASE Patriot SET PARTNER = '${c.mirrorAddress}'`, 1418);
  await waitFor("28034 in the mirror's error log", () =>
    /28034/.test(JSON.stringify(JSON.parse(readFileSync(join(lab.dir, 'state.json'), 'utf8')).instances.SQLMIR01.errorLog)),
  );
  await mirror.run('USE master; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [PRINCIPAL_login]');
});

test('1416: SET PARTNER on the principal before the mirror', async () => {
  await expectError(principal, `ALTER DATABASE Patriot SET PARTNER = '${c.mirrorAddress}'`, 1416);
});

test('1452: a partner address that is the instance itself', async () => {
  await expectError(mirror, `ALTER DATABASE Patriot SET PARTNER = '${c.mirrorAddress}'`, 1452);
  await mirror.run(`ALTER DATABASE Patriot SET PARTNER = '${c.principalAddress}'`);
});

test('1478: the mirror lacks a log backup the principal took', async () => {
  await expectError(principal, `ALTER DATABASE Patriot SET PARTNER = '${c.mirrorAddress}'`, 1478);
  // The mirror copy is configured for mirroring: a restore needs the partner removed first (3104).
  await expectError(mirror, `RESTORE LOG Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot_2.log' WITH NORECOVERY`, 3104);
  await mirror.run('USE master; ALTER DATABASE Patriot SET PARTNER OFF');
  await mirror.run(`RESTORE LOG Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot_2.log' WITH NORECOVERY`);
  await mirror.run(`ALTER DATABASE Patriot SET PARTNER = '${c.principalAddress}'`);
  await principal.run(`ALTER DATABASE Patriot SET PARTNER = '${c.mirrorAddress}'`);
  await waitForState(principal, 'Patriot', 'SYNCHRONIZED');
});

test('1468: changing the recovery model of a mirrored database', async () => {
  await expectError(principal, 'ALTER DATABASE Patriot SET RECOVERY SIMPLE', 1468);
});

test('1416: failing over a database that is not mirrored', async () => {
  await expectError(principal, 'USE master; ALTER DATABASE PatriotArchive SET PARTNER FAILOVER', 1416);
});

test('1455: forcing service on the mirror while the principal is connected', async () => {
  await expectError(mirror, 'USE master; ALTER DATABASE Patriot SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS', 1455);
});

test('954: using the mirror database', async () => {
  await expectError(mirror, 'USE Patriot', 954);
});

test('3104: restoring over a mirrored database', async () => {
  await expectError(mirror, `RESTORE DATABASE Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot.dat' WITH NORECOVERY, REPLACE`, 3104);
});

test('1429: a witness that is one of the partners', async () => {
  await expectError(principal, `ALTER DATABASE Patriot SET WITNESS = '${c.mirrorAddress}'`, 1429);
});

test('911: a database that does not exist', async () => {
  await expectError(principal, 'USE NoSuchDatabase', 911);
});

test('102: syntax the lab does not understand is refused, never silently accepted', async () => {
  await expectError(principal, 'ALTER DATABASE Patriot SET PARTNER SOMETIMES', 102);
});

test('18456: a wrong password', async () => {
  const config = lab.mssqlConfig('SQLPRI01', 'trust', { password: 'Wrong-Password-1' });
  const error = await new sql.ConnectionPool(config).connect().then(
    () => null,
    (e: unknown) => e as Error,
  );
  assert.ok(error, 'login with a wrong password succeeded');
  assert.match(error.message, /Login failed for user 'mirrorbook'/);
});

test.after(async () => {
  await principal?.close();
  await mirror?.close();
  await lab?.stop();
});
test.run();
