// Transparent Data Encryption statements refuse what SQL Server refuses, with its numbers
// ("Database engine events and errors" 33101–33127), and change nothing when they do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite, type SiteOptions } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const NOW = new Date('2026-06-01T12:00:00Z');

async function principal(options: Partial<SiteOptions> = {}): Promise<InProcessSession> {
  const lab = createSite({ adminPassword: PASSWORD, now: NOW, ...options });
  const s = await signIn(inProcessInstance(lab, 'SQLPRI01', { now: () => NOW }), 'mirrorbook', PASSWORD);
  return s;
}

const KEY = 'CREATE DATABASE ENCRYPTION KEY WITH ALGORITHM = AES_128 ENCRYPTION BY SERVER CERTIFICATE TdeCert';

test('the certificate must be in master with a private key the master key protects (15151, 33101)', async () => {
  const s = await principal();
  assert.equal(errorNumbers(await s.query(`USE Patriot; ${KEY}`)), [15151]);
  await s.query("USE master; CREATE CERTIFICATE TdeCert ENCRYPTION BY PASSWORD = 'Cert#Pass#2026' WITH SUBJECT = 'tde'");
  const r = await s.query(`USE Patriot; ${KEY}`);
  assert.equal(errorNumbers(r), [33101]);
  assert.match(
    r.errors[0]!.message,
    /Cannot use certificate 'TdeCert', because its private key is not present or it is not protected by the database master key/,
  );
  const keys = await s.query('SELECT COUNT(*) FROM sys.dm_database_encryption_keys');
  assert.equal(keys.resultSets[0]?.rows, [[0]]);
});

test('a key once per user database (33103), none in a system database (33102); SET ENCRYPTION needs one (33106) and changes state once (33107, 33108)', async () => {
  const s = await principal();
  await s.query("USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk#Strong#2026'; CREATE CERTIFICATE TdeCert WITH SUBJECT = 'tde'");
  assert.equal(errorNumbers(await s.query('ALTER DATABASE Patriot SET ENCRYPTION ON')), [33106]);
  assert.equal(errorNumbers(await s.query(`USE msdb; ${KEY}`)), [33102]);
  assert.equal(errorNumbers(await s.query(`USE Patriot; ${KEY}`)), []);
  assert.equal(errorNumbers(await s.query(`USE Patriot; ${KEY}`)), [33103]);
  const before = await s.query(
    "SELECT encryption_state, key_algorithm, key_length, encryptor_type FROM sys.dm_database_encryption_keys WHERE database_id = DB_ID('Patriot')",
  );
  assert.equal(before.resultSets[0]?.rows, [[1, 'AES', 128, 'CERTIFICATE']]);
  assert.equal(errorNumbers(await s.query('ALTER DATABASE Patriot SET ENCRYPTION OFF')), [33108]);
  assert.equal(errorNumbers(await s.query('ALTER DATABASE Patriot SET ENCRYPTION ON')), []);
  assert.equal(errorNumbers(await s.query('ALTER DATABASE Patriot SET ENCRYPTION ON')), [33107]);
  const after = await s.query(
    "SELECT d.is_encrypted, k.encryption_state FROM sys.databases d JOIN sys.dm_database_encryption_keys k ON k.database_id = d.database_id WHERE d.name = 'Patriot'",
  );
  assert.equal(after.resultSets[0]?.rows, [[true, 3]]);
});

test('the protecting certificate cannot be dropped (33127); the key only once encryption is off (33105, 33104)', async () => {
  const s = await principal();
  await s.query(
    `USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk#Strong#2026'; CREATE CERTIFICATE TdeCert WITH SUBJECT = 'tde'; USE Patriot; ${KEY}; ALTER DATABASE Patriot SET ENCRYPTION ON`,
  );
  assert.equal(errorNumbers(await s.query('USE master; DROP CERTIFICATE TdeCert')), [33127]);
  assert.equal(errorNumbers(await s.query('USE Patriot; DROP DATABASE ENCRYPTION KEY')), [33105]);
  assert.equal(errorNumbers(await s.query('ALTER DATABASE Patriot SET ENCRYPTION OFF; USE Patriot; DROP DATABASE ENCRYPTION KEY')), []);
  assert.equal(errorNumbers(await s.query('USE Patriot; DROP DATABASE ENCRYPTION KEY')), [33104]);
  assert.equal(errorNumbers(await s.query('USE master; DROP CERTIFICATE TdeCert')), []);
});

test('Express has no TDE (33117)', async () => {
  const s = await principal({ edition: 'Express' });
  await s.query("USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk#Strong#2026'; CREATE CERTIFICATE TdeCert WITH SUBJECT = 'tde'");
  assert.equal(errorNumbers(await s.query(`USE Patriot; ${KEY}`)), [33117]);
});

test.run();
