// Patriot under Transparent Data Encryption: until the mirror holds the certificate that protects
// its encryption key (same thumbprint, with its private key), `check setup` is ✗ with the fix and
// `run setup` sends no change — the restore it would reach fails on the lab as on SQL Server (33111).
// With the certificate copied as the hint says, the check passes and setup mirrors the database.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setupRefusedWithNoChange, startPairLab, type PairLab } from '../runbooks/pair-lab.js';

const SHARE = '\\\\SQLPRI01\\Backup';
const KEY_FILE_PASSWORD = 'Pvk#Export#2026';

let pair: PairLab;
let thumbprint: string;
test.before(async () => {
  pair = await startPairLab();
  await pair.sql(
    'SQLPRI01',
    "USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Tde#Master#Key#2026'; CREATE CERTIFICATE TdeCert WITH SUBJECT = 'TDE for Patriot'",
  );
  await pair.sql(
    'SQLPRI01',
    'USE Patriot; CREATE DATABASE ENCRYPTION KEY WITH ALGORITHM = AES_256 ENCRYPTION BY SERVER CERTIFICATE TdeCert; ALTER DATABASE Patriot SET ENCRYPTION ON',
  );
  const [cert] = await pair.sql('SQLPRI01', "SELECT thumbprint FROM master.sys.certificates WHERE name = 'TdeCert'");
  thumbprint = `0x${Buffer.from(cert!.thumbprint as Buffer)
    .toString('hex')
    .toUpperCase()}`;
});
test.after(async () => {
  await pair?.stop();
});

async function sqlErrors(instance: string, text: string): Promise<{ number: number; message: string }[]> {
  try {
    await pair.sql(instance, text);
    return [];
  } catch (error) {
    const e = error as { number: number; message: string; precedingErrors?: { number: number; message: string }[] };
    return [...(e.precedingErrors ?? []), e].map(({ number, message }) => ({ number, message }));
  }
}

test('the lab shows the encryption as SQL Server does: is_encrypted, the key in state 3 under the certificate thumbprint', async () => {
  const [db] = await pair.sql('SQLPRI01', "SELECT is_encrypted FROM sys.databases WHERE name = 'Patriot'");
  assert.is(db!.is_encrypted, true);
  const [key] = await pair.sql(
    'SQLPRI01',
    "SELECT k.encryption_state, k.key_algorithm, k.key_length, k.encryptor_type, k.encryptor_thumbprint FROM sys.dm_database_encryption_keys k WHERE k.database_id = DB_ID('Patriot')",
  );
  assert.equal([key!.encryption_state, key!.key_algorithm, key!.key_length, key!.encryptor_type], [3, 'AES', 256, 'CERTIFICATE']);
  assert.is(
    `0x${Buffer.from(key!.encryptor_thumbprint as Buffer)
      .toString('hex')
      .toUpperCase()}`,
    thumbprint,
  );
  const [archive] = await pair.sql('SQLPRI01', "SELECT is_encrypted FROM sys.databases WHERE name = 'PatriotArchive'");
  assert.is(archive!.is_encrypted, false);
});

test('check setup: ✗ on the mirror naming the database, the certificate and its thumbprint, with the fix', async () => {
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(
    check.stdout,
    new RegExp(`tde\\s+SQLMIR01\\s+✗\\s+Patriot is encrypted \\(TDE\\) by TdeCert, thumbprint ${thumbprint}; SQLMIR01 does not have that certificate`),
  );
  assert.match(
    check.stdout,
    /BACKUP CERTIFICATE \[TdeCert\] TO FILE = .* WITH PRIVATE KEY .* on SQLPRI01; on SQLMIR01: CREATE MASTER KEY .*CREATE CERTIFICATE \[TdeCert\] FROM FILE/,
  );
  assert.not.match(check.stdout, /tde\s+\S+\s+.\s+PatriotArchive/);
});

test('run setup is refused by the preflight and sends no change to either server', async () => {
  const run = await setupRefusedWithNoChange(pair);
  assert.match(run.stdout + run.stderr, /tde/);
});

test('the restore the check prevents fails on the lab with 33111 naming the thumbprint', async () => {
  await pair.sql('SQLPRI01', `BACKUP DATABASE Patriot TO DISK = '${SHARE}\\TdeProbe.bak' WITH COPY_ONLY, INIT, FORMAT`);
  const errors = await sqlErrors('SQLMIR01', `RESTORE DATABASE Patriot FROM DISK = '${SHARE}\\TdeProbe.bak' WITH NORECOVERY`);
  assert.equal(
    errors.map((e) => e.number),
    [33111, 3013],
  );
  assert.is(errors[0]!.message, `Cannot find server certificate with thumbprint '${thumbprint}'.`);
  const restored = await pair.sql('SQLMIR01', "SELECT name FROM sys.databases WHERE name = 'Patriot'");
  assert.is(restored.length, 0);
});

test('the certificate copied without its private key is still ✗, and says so', async () => {
  await pair.sql(
    'SQLPRI01',
    `USE master; BACKUP CERTIFICATE TdeCert TO FILE = '${SHARE}\\TdeCert.cer' WITH PRIVATE KEY (FILE = '${SHARE}\\TdeCert.pvk', ENCRYPTION BY PASSWORD = '${KEY_FILE_PASSWORD}')`,
  );
  await pair.sql('SQLMIR01', `USE master; CREATE CERTIFICATE TdeCert FROM FILE = '${SHARE}\\TdeCert.cer'`);
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /tde\s+SQLMIR01\s+✗\s+.*SQLMIR01 has it as TdeCert but without its private key/);
  const errors = await sqlErrors('SQLMIR01', `RESTORE DATABASE Patriot FROM DISK = '${SHARE}\\TdeProbe.bak' WITH NORECOVERY`);
  assert.equal(
    errors.map((e) => e.number),
    [33111, 3013],
  );
});

test('with the certificate and its private key on the mirror the check passes and setup mirrors the encrypted database', async () => {
  await pair.sql(
    'SQLMIR01',
    `USE master; DROP CERTIFICATE TdeCert; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mirror#Master#Key#2026'; CREATE CERTIFICATE TdeCert FROM FILE = '${SHARE}\\TdeCert.cer' WITH PRIVATE KEY (FILE = '${SHARE}\\TdeCert.pvk', DECRYPTION BY PASSWORD = '${KEY_FILE_PASSWORD}')`,
  );
  const check = await pair.mb('check', 'setup');
  assert.match(
    check.stdout,
    /tde\s+SQLMIR01\s+✔\s+Patriot is encrypted \(TDE\) by TdeCert, thumbprint 0x[0-9A-F]{40}; SQLMIR01 holds it \(TdeCert\) with its private key/,
  );
  assert.is(check.code, 0, check.stdout + check.stderr);
  const run = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  assert.is(run.code, 0, run.stdout + run.stderr);
  await pair.waitFor('SQLMIR01', 'Patriot', 'SYNCHRONIZED', 'MIRROR');
  const [key] = await pair.sql('SQLMIR01', "SELECT encryption_state FROM sys.dm_database_encryption_keys WHERE database_id = DB_ID('Patriot')");
  assert.is(key!.encryption_state, 3);
});

test.run();
