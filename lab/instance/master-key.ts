// CREATE / DROP MASTER KEY: one database master key per database, protected by a password that
// must pass the Windows policy, and by the service master key so it opens automatically.

import { SqlError } from '../errors.js';
import type { ExecEnv } from '../server/env.js';
import { checkPasswordPolicy, hashPassword } from './password.js';
import { newGuid } from './principals.js';
import { currentDatabase, notFound } from './scope.js';
import { atLeast } from './version.js';

export function createMasterKey(env: ExecEnv, password: string): void {
  const database = currentDatabase(env);
  if (database.masterKey) {
    throw new SqlError(15578, 'There is already a master key in the database. Please drop it before performing this statement.');
  }
  checkPasswordPolicy(password);
  database.masterKey = {
    createDate: env.now().toISOString(),
    algorithm: atLeast(env.instance.version, '2012') ? 'AES_256' : 'TRIPLE_DES',
    keyGuid: newGuid(),
    passwordHash: hashPassword(password),
  };
  env.changed();
}

export function dropMasterKey(env: ExecEnv): void {
  const database = currentDatabase(env);
  if (!database.masterKey) throw notFound('drop', 'master key', '##MS_DatabaseMasterKey##');
  const protectedCertificate = Object.values(database.certificates).find((certificate) => certificate.privateKeyEncryption === 'MK');
  if (protectedCertificate) {
    throw new SqlError(15580, "Cannot drop master key because certificate '" + protectedCertificate.name + "' is encrypted by it.");
  }
  database.masterKey = null;
  env.changed();
}
