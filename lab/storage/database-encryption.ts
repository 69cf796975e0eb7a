// Transparent Data Encryption: the database encryption key (DEK) of a user database, protected by a
// certificate in master, and the rule that makes it matter to mirroring: an encrypted database's
// backups restore only where master holds that certificate (by thumbprint) with its private key.
// learn.microsoft.com: "CREATE DATABASE ENCRYPTION KEY", "DROP DATABASE ENCRYPTION KEY", "ALTER
// DATABASE SET options" (ENCRYPTION), "sys.dm_database_encryption_keys", "Move a TDE protected
// database to another SQL Server"; the numbers and texts from "Database engine events and errors"
// (33101–33111, 33117, 33118, 33127).

import { SqlError } from '../errors.js';
import type { Certificate, DatabaseEncryptionKey, InstanceState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { findCertificate } from '../instance/certificates.js';
import { currentDatabase, masterDatabase, notFound } from '../instance/scope.js';
import { atLeast } from '../instance/version.js';
import { findDatabase } from './databases.js';
import { cannotAlterDatabase } from './messages.js';

const SYSTEM = new Set(['MASTER', 'MODEL', 'TEMPDB', 'MSDB']);

function systemDatabase(): SqlError {
  return new SqlError(
    33102,
    "Cannot encrypt a system database. Database encryption operations cannot be performed for 'master', 'model', 'tempdb', 'msdb', or 'resource' databases.",
  );
}

/** Enterprise and Developer have TDE; Standard from SQL Server 2019 ("Editions and supported
 * features of SQL Server 2019"); Express never. */
function assertEditionHasTde(instance: InstanceState): void {
  if (instance.edition === 'Express' || (instance.edition === 'Standard' && !atLeast(instance.version, '2019'))) {
    throw new SqlError(
      33117,
      'Transparent Data Encryption is not available in the edition of this SQL Server instance. See books online for more details on feature support in different SQL Server editions.',
    );
  }
}

/** The key must be readable without a password: a private key protected by the master key. */
function usable(certificate: Certificate): boolean {
  return certificate.privateKeyPem !== null && certificate.privateKeyEncryption === 'MK';
}

export function createDatabaseEncryptionKey(env: ExecEnv, algorithm: DatabaseEncryptionKey['algorithm'], certificateName: string): void {
  const database = currentDatabase(env);
  if (SYSTEM.has(database.name.toUpperCase())) throw systemDatabase();
  assertEditionHasTde(env.instance);
  if (database.encryptionKey) throw new SqlError(33103, 'A database encryption key already exists for this database.');
  const certificate = findCertificate(masterDatabase(env.instance), certificateName);
  if (!certificate) throw notFound('find', 'certificate', certificateName);
  if (!usable(certificate)) {
    throw new SqlError(
      33101,
      `Cannot use certificate '${certificate.name}', because its private key is not present or it is not protected by the database master key. SQL Server requires the ability to automatically access the private key of the certificate used for this operation.`,
    );
  }
  database.encryptionKey = {
    algorithm,
    encryptorThumbprintHex: certificate.thumbprintHex,
    createDate: env.now().toISOString(),
    encrypted: false,
    setDate: null,
  };
  env.changed();
}

export function dropDatabaseEncryptionKey(env: ExecEnv): void {
  const database = currentDatabase(env);
  if (SYSTEM.has(database.name.toUpperCase())) throw systemDatabase();
  if (!database.encryptionKey) throw new SqlError(33104, 'A database encryption key does not exist for this database.');
  if (database.encryptionKey.encrypted) {
    throw new SqlError(
      33105,
      'Cannot drop the database encryption key because it is currently in use. Database encryption needs to be turned off to be able to drop the database encryption key.',
    );
  }
  delete database.encryptionKey;
  env.changed();
}

/** ALTER DATABASE … SET ENCRYPTION ON | OFF. The encryption scan is instant in the lab. */
export function setEncryption(env: ExecEnv, name: string, on: boolean): void {
  const database = findDatabase(env.instance, name);
  if (!database) throw cannotAlterDatabase(name);
  if (SYSTEM.has(database.name.toUpperCase())) throw systemDatabase();
  if (database.state !== 'ONLINE')
    throw new SqlError(33118, 'Cannot enable or modify database encryption on a database that is read-only, has read-only files or is not recovered.');
  const key = database.encryptionKey;
  if (!key) throw new SqlError(33106, 'Cannot change database encryption state because no database encryption key is set.');
  if (on && key.encrypted) throw new SqlError(33107, 'Cannot enable database encryption because it is already enabled.');
  if (!on && !key.encrypted) throw new SqlError(33108, 'Cannot disable database encryption because it is already disabled.');
  key.encrypted = on;
  key.setDate = env.now().toISOString();
  env.changed();
}

/** RESTORE of an encrypted database's backup: master must hold the certificate that protects its
 * key, with a private key it can open (33111 names the thumbprint it looked for). */
export function assertCanOpenEncryptionKey(instance: InstanceState, key: DatabaseEncryptionKey | undefined): void {
  if (!key?.encrypted) return;
  const found = Object.values(masterDatabase(instance).certificates).find((c) => c.thumbprintHex.toLowerCase() === key.encryptorThumbprintHex.toLowerCase());
  if (!found || !usable(found))
    throw new SqlError(33111, `Cannot find server certificate with thumbprint '0x${key.encryptorThumbprintHex.toUpperCase()}'.`, { state: 3 });
}

/** DROP CERTIFICATE in master of one that protects a database encryption key. */
export function assertNotProtectingAKey(instance: InstanceState, certificate: Certificate): void {
  const used = Object.values(instance.databases).some((d) => d.encryptionKey?.encryptorThumbprintHex.toLowerCase() === certificate.thumbprintHex.toLowerCase());
  if (used) throw new SqlError(33127, 'The certificate cannot be dropped because it is used by one or more databases to encrypt a Database Encryption Key.');
}
