import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function login(lab: ReturnType<typeof createSite>, name: string): Promise<InProcessSession> {
  const s = await signIn(inProcessInstance(lab, name), 'mirrorbook', PASSWORD);
  return s;
}

test('a certificate copied with CERTENCODED → CREATE CERTIFICATE … FROM BINARY has the same thumbprint, subject, serial and dates', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const p = await login(lab, 'SQLPRI01');
  const m = await login(lab, 'SQLMIR01');
  await p.query(`USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk!Strong2025';
    CREATE CERTIFICATE PRINCIPAL_cert WITH SUBJECT = 'PRINCIPAL certificate', START_DATE = '20250101', EXPIRY_DATE = '20450101'`);
  const exported = await p.query(`SELECT CERTENCODED(CERT_ID('PRINCIPAL_cert')) AS der`);
  assert.equal(exported.resultSets[0]?.columns[0]?.sqlType, { type: 'varbinary', length: -1 });
  const der = exported.resultSets[0]?.rows[0]?.[0];
  assert.ok(Buffer.isBuffer(der));
  const x509 = new X509Certificate(der);
  assert.is(x509.subject, 'CN=PRINCIPAL certificate');
  assert.ok(x509.verify(x509.publicKey), 'self-signed and the signature verifies');

  const imported = await m.query(`USE master; CREATE LOGIN PRINCIPAL_login WITH PASSWORD = 'Pl!login2025';
    CREATE USER PRINCIPAL_user FOR LOGIN PRINCIPAL_login;
    CREATE CERTIFICATE PRINCIPAL_cert AUTHORIZATION PRINCIPAL_user FROM BINARY = 0x${der.toString('hex')}`);
  assert.equal(imported.errors, []);

  const columns = 'thumbprint, subject, issuer_name, cert_serial_number, start_date, expiry_date';
  const there = await p.query(`SELECT ${columns} FROM master.sys.certificates WHERE name = 'PRINCIPAL_cert'`);
  const here = await m.query(`SELECT ${columns} FROM master.sys.certificates WHERE name = 'PRINCIPAL_cert'`);
  assert.equal(here.resultSets[0]?.rows, there.resultSets[0]?.rows);
  const thumbprint = here.resultSets[0]?.rows[0]?.[0] as Buffer;
  assert.is(thumbprint.toString('hex').toUpperCase(), x509.fingerprint.replace(/:/g, ''));
  assert.equal(here.resultSets[0]?.rows[0]?.slice(4), [new Date('2025-01-01T00:00:00Z'), new Date('2045-01-01T00:00:00Z')]);
});

test('CERTENCODED of an unknown id is NULL, and CERT_ID of an unknown name is NULL', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const p = await login(lab, 'SQLPRI01');
  const r = await p.query(`SELECT CERTENCODED(99999), CERT_ID('nope')`);
  assert.equal(r.resultSets[0]?.rows, [[null, null]]);
});

test.run();
