import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite, type SiteOptions } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { LabState } from '../../lab/model.js';
import { parseCertificate } from '../../lab/crypto/certificate.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const NOW = new Date('2025-06-01T12:00:00Z');

async function site(options: Partial<SiteOptions> = {}): Promise<{ lab: LabState; p: InProcessSession; m: InProcessSession }> {
  const lab = createSite({ adminPassword: PASSWORD, now: NOW, ...options });
  const login = async (name: string) => {
    const s = await signIn(inProcessInstance(lab, name, { now: () => NOW }), 'mirrorbook', PASSWORD);
    await s.query(`USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk!Strong2025'`);
    return s;
  };
  return { lab, p: await login('SQLPRI01'), m: await login('SQLMIR01') };
}

test('dates are read as SQL Server reads them: MM/DD/YYYY, YYYYMMDD, ISO; default expiry is a year after start', async () => {
  const { p } = await site();
  const r = await p.query(`
    CREATE CERTIFICATE a WITH SUBJECT = 'a', START_DATE = '11/30/2024', EXPIRY_DATE = '11/30/2044';
    CREATE CERTIFICATE b WITH SUBJECT = 'b', START_DATE = '20240102', EXPIRY_DATE = '2044-01-02T10:30:00';
    CREATE CERTIFICATE c WITH SUBJECT = 'c', START_DATE = '20250301';
    SELECT name, start_date, expiry_date FROM sys.certificates ORDER BY name`);
  assert.equal(errorNumbers(r), []);
  assert.equal(r.resultSets[0]?.rows, [
    ['a', new Date('2024-11-30T00:00:00Z'), new Date('2044-11-30T00:00:00Z')],
    ['b', new Date('2024-01-02T00:00:00Z'), new Date('2044-01-02T10:30:00Z')],
    ['c', new Date('2025-03-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z')],
  ]);
});

test('an unconvertible date is 241 and creates nothing', async () => {
  const { p } = await site();
  const r = await p.query(`CREATE CERTIFICATE a WITH SUBJECT = 'a', START_DATE = 'MM/DD/YYYY'; SELECT COUNT(*) FROM sys.certificates`);
  assert.equal(errorNumbers(r), [241]);
});

test('validity warnings 15213, 15214, 15215 are sent and the certificate is still created', async () => {
  const { p } = await site();
  const backwards = await p.query(`CREATE CERTIFICATE w1 WITH SUBJECT = 'w', START_DATE = '20300101', EXPIRY_DATE = '20200101'`);
  assert.equal(errorNumbers(backwards), [15213, 15215]);
  const expired = await p.query(`CREATE CERTIFICATE w2 WITH SUBJECT = 'w', START_DATE = '20000101', EXPIRY_DATE = '20010101'`);
  assert.equal(errorNumbers(expired), [15214]);
  const r = await p.query(`SELECT name FROM sys.certificates ORDER BY name`);
  assert.equal(r.resultSets[0]?.rows, [['w1'], ['w2']]);
});

test('the warning class is a behaviour switch (10 → informational)', async () => {
  const { p, lab } = await site();
  lab.instances['SQLPRI01']!.behaviour.certificateWarningClass = 10;
  const r = await p.query(`CREATE CERTIFICATE w WITH SUBJECT = 'w', START_DATE = '20990101', EXPIRY_DATE = '21000101'`);
  assert.equal(errorNumbers(r), []);
  assert.ok(r.messages.some((m) => m.number === 15215 && m.class === 10));
});

test('15232 for a name that exists, and for the same certificate under another name', async () => {
  const { p, m } = await site();
  await p.query(`CREATE CERTIFICATE PRINCIPAL_cert WITH SUBJECT = 'PRINCIPAL certificate', EXPIRY_DATE = '20450101'`);
  assert.equal(errorNumbers(await p.query(`CREATE CERTIFICATE principal_CERT WITH SUBJECT = 'again'`)), [15232]);
  const encoded = await p.query(`SELECT CERTENCODED(CERT_ID('PRINCIPAL_cert'))`);
  const der = encoded.resultSets[0]?.rows[0]?.[0] as Buffer;
  await m.query(`CREATE LOGIN PRINCIPAL_login WITH PASSWORD = 'Pl!login2025'; CREATE USER PRINCIPAL_user FOR LOGIN PRINCIPAL_login`);
  const first = await m.query(`CREATE CERTIFICATE PRINCIPAL_cert AUTHORIZATION PRINCIPAL_user FROM BINARY = 0x${der.toString('hex')}`);
  assert.equal(errorNumbers(first), []);
  const again = await m.query(`CREATE CERTIFICATE other_name FROM BINARY = 0x${der.toString('hex')}`);
  assert.equal(errorNumbers(again), [15232]);
});

test('AUTHORIZATION of a user that does not exist is 15151', async () => {
  const { p } = await site();
  const r = await p.query(`CREATE CERTIFICATE x AUTHORIZATION nobody WITH SUBJECT = 'x'`);
  assert.equal(errorNumbers(r), [15151]);
  assert.match(r.errors[0]!.message, /Cannot find the user 'nobody'/);
});

test('FROM BINARY with bytes that are not a certificate is 15297; FROM FILE missing or not a certificate is 15208', async () => {
  const { p, lab } = await site();
  lab.instances['SQLPRI01']!.behaviour.backupMsPerGB = 0;
  assert.equal(errorNumbers(await p.query(`CREATE CERTIFICATE x FROM BINARY = 0x3082010a0282010100`)), [15297]);
  assert.equal(errorNumbers(await p.query(`CREATE CERTIFICATE x FROM FILE = 'C:\\Temp\\missing.cer'`)), [15208]);
  assert.equal(errorNumbers(await p.query(`CREATE CERTIFICATE x FROM FILE = 'Z:\\nowhere\\missing.cer'`)), [15208]);
  await p.query(`BACKUP DATABASE PatriotArchive TO DISK = 'C:\\Temp\\notacert.cer'`);
  assert.equal(errorNumbers(await p.query(`CREATE CERTIFICATE x FROM FILE = 'C:\\Temp\\notacert.cer'`)), [15208]);
});

test('BACKUP CERTIFICATE writes DER that FROM FILE reads back over a UNC share; an existing file is 15240; a missing certificate 15151', async () => {
  const { p, m } = await site();
  await p.query(`CREATE CERTIFICATE PRINCIPAL_cert WITH SUBJECT = 'PRINCIPAL certificate', EXPIRY_DATE = '20450101'`);
  assert.equal(errorNumbers(await p.query(`BACKUP CERTIFICATE PRINCIPAL_cert TO FILE = '\\\\SQLMIR01\\Backup\\PRINCIPAL_cert.cer'`)), []);
  assert.equal(errorNumbers(await p.query(`BACKUP CERTIFICATE PRINCIPAL_cert TO FILE = '\\\\SQLMIR01\\Backup\\PRINCIPAL_cert.cer'`)), [15240]);
  assert.equal(errorNumbers(await p.query(`BACKUP CERTIFICATE nope TO FILE = 'C:\\Temp\\nope.cer'`)), [15151]);
  assert.equal(errorNumbers(await p.query(`BACKUP CERTIFICATE PRINCIPAL_cert TO FILE = 'Q:\\no\\such\\dir\\x.cer'`)), [15240]);
  const local = await m.query(`SELECT physical_name FROM sys.master_files WHERE name = 'master'`);
  assert.ok(local.resultSets[0]);
  const r =
    await m.query(`CREATE CERTIFICATE PRINCIPAL_cert FROM FILE = '${'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Backup'}\\PRINCIPAL_cert.cer';
    SELECT subject, pvt_key_encryption_type, pvt_key_encryption_type_desc FROM sys.certificates WHERE name = 'PRINCIPAL_cert'`);
  assert.equal(errorNumbers(r), []);
  assert.equal(r.resultSets[0]?.rows, [['PRINCIPAL certificate', 'NA', 'NO_PRIVATE_KEY']]);
});

test('a user that owns a certificate cannot be dropped (15138); the certificate bound to the endpoint cannot either', async () => {
  const { p } = await site();
  await p.query(`CREATE LOGIN MIRROR_login WITH PASSWORD = 'Ml!login2025'; CREATE USER MIRROR_user FOR LOGIN MIRROR_login;
    CREATE CERTIFICATE owned AUTHORIZATION MIRROR_user WITH SUBJECT = 'owned'`);
  assert.equal(errorNumbers(await p.query(`DROP USER MIRROR_user`)), [15138]);
  await p.query(
    `CREATE CERTIFICATE ep WITH SUBJECT = 'ep'; CREATE ENDPOINT e STATE = STARTED AS TCP (LISTENER_PORT = 7022) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE ep)`,
  );
  assert.equal(errorNumbers(await p.query(`DROP CERTIFICATE ep`)), [15352]);
  assert.equal(errorNumbers(await p.query(`DROP CERTIFICATE owned; DROP USER MIRROR_user; DROP CERTIFICATE owned`)), [15151]);
});

test('the private key travels with BACKUP … WITH PRIVATE KEY; a wrong password is 15465', async () => {
  const { p, m } = await site();
  await p.query(`CREATE CERTIFICATE k WITH SUBJECT = 'k', EXPIRY_DATE = '20450101';
    BACKUP CERTIFICATE k TO FILE = '\\\\SQLMIR01\\Backup\\k.cer' WITH PRIVATE KEY (FILE = '\\\\SQLMIR01\\Backup\\k.pvk', ENCRYPTION BY PASSWORD = 'Pvk!pass2025')`);
  const dir = 'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Backup';
  const wrong = await m.query(
    `CREATE CERTIFICATE k FROM FILE = '${dir}\\k.cer' WITH PRIVATE KEY (FILE = '${dir}\\k.pvk', DECRYPTION BY PASSWORD = 'Wrong!pass1')`,
  );
  assert.equal(errorNumbers(wrong), [15465]);
  const right =
    await m.query(`CREATE CERTIFICATE k FROM FILE = '${dir}\\k.cer' WITH PRIVATE KEY (FILE = '${dir}\\k.pvk', DECRYPTION BY PASSWORD = 'Pvk!pass2025');
    SELECT pvt_key_encryption_type FROM sys.certificates WHERE name = 'k'`);
  assert.equal(errorNumbers(right), []);
  assert.equal(right.resultSets[0]?.rows, [['MK']]);
  const backedUp = await p.query(`SELECT pvt_key_last_backup_date FROM sys.certificates WHERE name = 'k'`);
  assert.instance(backedUp.resultSets[0]?.rows[0]?.[0], Date);
});

test('SQL Server 2008 R2 has no CERTENCODED (195) and no FROM BINARY (102); its keys are 1024-bit', async () => {
  const { p, lab } = await site({ version: '2008R2' });
  await p.query(`CREATE CERTIFICATE old WITH SUBJECT = 'old'`);
  assert.equal(errorNumbers(await p.query(`SELECT CERTENCODED(CERT_ID('old'))`)), [195]);
  assert.equal(errorNumbers(await p.query(`CREATE CERTIFICATE x FROM BINARY = 0x3082`)), [102]);
  const der = Buffer.from(lab.instances['SQLPRI01']!.databases['master']!.certificates['old']!.derBase64, 'base64');
  assert.ok(parseCertificate(der).publicKeyPem.length < 300, '1024-bit RSA public key');
});

test.run();
