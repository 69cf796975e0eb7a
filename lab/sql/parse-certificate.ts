// Database master key and certificates: CREATE/DROP/OPEN/CLOSE MASTER KEY, CREATE/BACKUP/DROP CERTIFICATE.

import type {
  BackupCertificateStatement,
  CertificateSource,
  CloseMasterKeyStatement,
  CreateCertificateStatement,
  CreateMasterKeyStatement,
  DropCertificateStatement,
  DropMasterKeyStatement,
  OpenMasterKeyStatement,
  PrivateKeyImport,
} from './ast.js';
import type { Cursor } from './cursor.js';

/** `BY PASSWORD = '…'` after ENCRYPTION / DECRYPTION. */
function byPassword(c: Cursor): string {
  c.expectWord('BY', 'PASSWORD');
  c.equals();
  return c.string();
}

export function parseCreateMasterKey(c: Cursor, line: number): CreateMasterKeyStatement {
  c.expectWord('MASTER', 'KEY', 'ENCRYPTION');
  return { kind: 'createMasterKey', line, password: byPassword(c) };
}

export function parseDropMasterKey(c: Cursor, line: number): DropMasterKeyStatement {
  c.expectWord('MASTER', 'KEY');
  return { kind: 'dropMasterKey', line };
}

export function parseOpenMasterKey(c: Cursor): OpenMasterKeyStatement {
  const line = c.peek().line;
  c.expectWord('OPEN', 'MASTER', 'KEY', 'DECRYPTION');
  return { kind: 'openMasterKey', line, password: byPassword(c) };
}

export function parseCloseMasterKey(c: Cursor): CloseMasterKeyStatement {
  const line = c.peek().line;
  c.expectWord('CLOSE', 'MASTER', 'KEY');
  return { kind: 'closeMasterKey', line };
}

export function parseCreateCertificate(c: Cursor, line: number): CreateCertificateStatement {
  c.expectWord('CERTIFICATE');
  const name = c.identifier();
  const authorization = c.acceptWord('AUTHORIZATION') ? c.identifier() : undefined;
  const source = c.acceptWord('FROM') ? importedSource(c) : newSource(c);
  const statement: CreateCertificateStatement = { kind: 'createCertificate', line, name, source };
  if (authorization !== undefined) statement.authorization = authorization;
  if (c.acceptWord('ACTIVE', 'FOR', 'BEGIN_DIALOG')) {
    c.equals();
    statement.activeForBeginDialog = c.onOff();
  }
  return statement;
}

function importedSource(c: Cursor): CertificateSource {
  const from = c.expectOneOf('FILE', 'BINARY');
  c.equals();
  const privateKey = () => (c.acceptWord('WITH', 'PRIVATE', 'KEY') ? privateKeyImport(c) : undefined);
  if (from === 'FILE') {
    const path = c.string();
    const key = privateKey();
    return key ? { kind: 'file', path, privateKey: key } : { kind: 'file', path };
  }
  const data = c.binary();
  const key = privateKey();
  return key ? { kind: 'binary', data, privateKey: key } : { kind: 'binary', data };
}

function privateKeyImport(c: Cursor): PrivateKeyImport {
  const key: PrivateKeyImport = {};
  c.expectOp('(');
  do {
    const at = c.peek();
    const option = c.expectOneOf('FILE', 'BINARY', 'DECRYPTION', 'ENCRYPTION');
    if (option === 'FILE' || option === 'BINARY') {
      if (key.file !== undefined || key.binary !== undefined) throw c.fail(at);
      c.equals();
      if (option === 'FILE') key.file = c.string();
      else key.binary = c.binary();
    } else if (option === 'DECRYPTION') {
      if (key.decryptionPassword !== undefined) throw c.fail(at);
      key.decryptionPassword = byPassword(c);
    } else {
      if (key.encryptionPassword !== undefined) throw c.fail(at);
      key.encryptionPassword = byPassword(c);
    }
  } while (c.acceptOp(','));
  if (key.file === undefined && key.binary === undefined) throw c.fail();
  c.expectOp(')');
  return key;
}

function newSource(c: Cursor): CertificateSource {
  const encryptionPassword = c.acceptWord('ENCRYPTION') ? byPassword(c) : undefined;
  c.expectWord('WITH');
  let subject: string | undefined;
  let startDate: string | undefined;
  let expiryDate: string | undefined;
  do {
    const at = c.peek();
    const option = c.expectOneOf('SUBJECT', 'START_DATE', 'EXPIRY_DATE');
    const seen = option === 'SUBJECT' ? subject : option === 'START_DATE' ? startDate : expiryDate;
    if (seen !== undefined) throw c.fail(at);
    c.equals();
    const value = c.string();
    if (option === 'SUBJECT') subject = value;
    else if (option === 'START_DATE') startDate = value;
    else expiryDate = value;
  } while (c.acceptOp(','));
  if (subject === undefined) throw c.fail();
  return {
    kind: 'new',
    subject,
    ...(encryptionPassword !== undefined ? { encryptionPassword } : {}),
    ...(startDate !== undefined ? { startDate } : {}),
    ...(expiryDate !== undefined ? { expiryDate } : {}),
  };
}

export function parseBackupCertificate(c: Cursor, line: number): BackupCertificateStatement {
  c.expectWord('CERTIFICATE');
  const name = c.identifier();
  c.expectWord('TO', 'FILE');
  c.equals();
  const file = c.string();
  const statement: BackupCertificateStatement = { kind: 'backupCertificate', line, name, file };
  if (c.acceptWord('WITH', 'PRIVATE', 'KEY')) {
    c.expectOp('(');
    let keyFile: string | undefined;
    let encryptionPassword: string | undefined;
    let decryptionPassword: string | undefined;
    do {
      const at = c.peek();
      const option = c.expectOneOf('FILE', 'ENCRYPTION', 'DECRYPTION');
      if (option === 'FILE') {
        if (keyFile !== undefined) throw c.fail(at);
        c.equals();
        keyFile = c.string();
      } else if (option === 'ENCRYPTION') {
        if (encryptionPassword !== undefined) throw c.fail(at);
        encryptionPassword = byPassword(c);
      } else {
        if (decryptionPassword !== undefined) throw c.fail(at);
        decryptionPassword = byPassword(c);
      }
    } while (c.acceptOp(','));
    if (keyFile === undefined || encryptionPassword === undefined) throw c.fail();
    c.expectOp(')');
    statement.privateKey = decryptionPassword === undefined ? { file: keyFile, encryptionPassword } : { file: keyFile, encryptionPassword, decryptionPassword };
  }
  return statement;
}

export function parseDropCertificate(c: Cursor, line: number): DropCertificateStatement {
  c.expectWord('CERTIFICATE');
  return { kind: 'dropCertificate', line, name: c.identifier() };
}
