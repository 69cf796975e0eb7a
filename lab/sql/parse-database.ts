// CREATE / DROP / ALTER DATABASE, including the mirroring options SET PARTNER and SET WITNESS.

import type {
  AlterDatabaseAction,
  AlterDatabaseStatement,
  CreateDatabaseEncryptionKeyStatement,
  CreateDatabaseStatement,
  DropDatabaseEncryptionKeyStatement,
  DropDatabaseStatement,
  FileSpec,
  Termination,
} from './ast.js';
import type { Cursor } from './cursor.js';

export function parseCreateDatabase(c: Cursor, line: number): CreateDatabaseStatement {
  c.expectWord('DATABASE');
  const name = c.identifier();
  if (!c.acceptWord('ON')) return { kind: 'createDatabase', line, name };
  const primary = c.acceptWord('PRIMARY');
  const data = fileSpecs(c);
  if (!primary && c.acceptWord('AS')) {
    c.expectWord('SNAPSHOT', 'OF');
    return { kind: 'createDatabase', line, name, snapshot: { source: c.identifier(), files: data } };
  }
  let filestream: { filegroup: string; files: FileSpec[] } | undefined;
  if (c.acceptOp(',')) {
    c.expectWord('FILEGROUP');
    const filegroup = c.identifier();
    c.expectWord('CONTAINS', 'FILESTREAM');
    filestream = { filegroup, files: fileSpecs(c) };
  }
  c.expectWord('LOG', 'ON');
  return { kind: 'createDatabase', line, name, files: { data, ...(filestream ? { filestream } : {}), log: fileSpecs(c) } };
}

/** `(NAME = logical, FILENAME = 'path') [, (…)]`; SIZE, MAXSIZE and FILEGROWTH are not modelled (102). */
function fileSpecs(c: Cursor): FileSpec[] {
  const files: FileSpec[] = [];
  do {
    c.expectOp('(');
    c.expectWord('NAME');
    c.equals();
    const logicalName = c.isString() ? c.string() : c.identifier();
    c.expectOp(',');
    c.expectWord('FILENAME');
    c.equals();
    files.push({ logicalName, fileName: c.string() });
    c.expectOp(')');
  } while (c.isOp(',') && c.isOp('(', 1) && c.acceptOp(','));
  return files;
}

/** `CREATE DATABASE ENCRYPTION KEY WITH ALGORITHM = … ENCRYPTION BY SERVER CERTIFICATE name`; an
 * asymmetric key needs an EKM provider, which the lab does not have (102 at ASYMMETRIC). */
export function parseCreateDatabaseEncryptionKey(c: Cursor, line: number): CreateDatabaseEncryptionKeyStatement {
  c.expectWord('DATABASE', 'ENCRYPTION', 'KEY', 'WITH', 'ALGORITHM');
  c.equals();
  const algorithm = c.expectOneOf('AES_128', 'AES_192', 'AES_256', 'TRIPLE_DES_3KEY');
  c.expectWord('ENCRYPTION', 'BY', 'SERVER', 'CERTIFICATE');
  return { kind: 'createDatabaseEncryptionKey', line, algorithm, certificate: c.identifier() };
}

export function parseDropDatabaseEncryptionKey(c: Cursor, line: number): DropDatabaseEncryptionKeyStatement {
  c.expectWord('DATABASE', 'ENCRYPTION', 'KEY');
  return { kind: 'dropDatabaseEncryptionKey', line };
}

export function parseDropDatabase(c: Cursor, line: number): DropDatabaseStatement {
  c.expectWord('DATABASE');
  const ifExists = c.acceptWord('IF', 'EXISTS');
  const names = [c.identifier()];
  while (c.acceptOp(',')) names.push(c.identifier());
  return { kind: 'dropDatabase', line, names, ifExists };
}

export function parseAlterDatabase(c: Cursor, line: number): AlterDatabaseStatement {
  c.expectWord('DATABASE');
  const name = c.acceptWord('CURRENT') ? 'CURRENT' : c.identifier();
  c.expectWord('SET');
  const action = alterAction(c);
  const statement: AlterDatabaseStatement = { kind: 'alterDatabase', line, name, action };
  // Mirroring options take no termination clause; SQL Server rejects one as a syntax error.
  if (
    action.kind !== 'partner' &&
    action.kind !== 'partnerOption' &&
    action.kind !== 'partnerSafety' &&
    action.kind !== 'partnerTimeout' &&
    action.kind !== 'witness' &&
    action.kind !== 'witnessOff' &&
    c.acceptWord('WITH')
  ) {
    statement.termination = termination(c);
  }
  return statement;
}

function alterAction(c: Cursor): AlterDatabaseAction {
  if (c.acceptWord('RECOVERY')) return { kind: 'recovery', model: c.expectOneOf('FULL', 'SIMPLE', 'BULK_LOGGED') };
  if (c.acceptWord('PARTNER')) {
    if (c.acceptOp('=')) return { kind: 'partner', address: c.string() };
    const option = c.expectOneOf('FAILOVER', 'FORCE_SERVICE_ALLOW_DATA_LOSS', 'OFF', 'RESUME', 'SUSPEND', 'SAFETY', 'TIMEOUT');
    if (option === 'SAFETY') return { kind: 'partnerSafety', safety: c.expectOneOf('FULL', 'OFF') };
    if (option === 'TIMEOUT') return { kind: 'partnerTimeout', seconds: c.integer() };
    return { kind: 'partnerOption', option };
  }
  if (c.acceptWord('WITNESS')) {
    if (c.acceptOp('=')) return { kind: 'witness', address: c.string() };
    c.expectWord('OFF');
    return { kind: 'witnessOff' };
  }
  if (c.acceptWord('ENCRYPTION')) return { kind: 'encryption', on: c.onOff() };
  const option = c.expectOneOf('ONLINE', 'OFFLINE', 'EMERGENCY', 'SINGLE_USER', 'RESTRICTED_USER', 'MULTI_USER');
  if (option === 'ONLINE' || option === 'OFFLINE' || option === 'EMERGENCY') return { kind: 'state', state: option };
  return { kind: 'userAccess', access: option };
}

function termination(c: Cursor): Termination {
  if (c.acceptWord('NO_WAIT')) return { kind: 'noWait' };
  c.expectWord('ROLLBACK');
  if (c.acceptWord('IMMEDIATE')) return { kind: 'rollbackImmediate' };
  c.expectWord('AFTER');
  const seconds = c.integer();
  c.acceptWord('SECONDS');
  return { kind: 'rollbackAfter', seconds };
}
