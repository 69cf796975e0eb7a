// CREATE CERTIFICATE (new self-signed, FROM FILE, FROM BINARY), BACKUP CERTIFICATE, DROP
// CERTIFICATE — with SQL Server's checks, in the order it makes them.

import { SqlError } from '../errors.js';
import type { Certificate, DatabaseState, LabState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { createSelfSignedCertificate, InvalidCertificateError, parseCertificate, type ParsedCertificate } from '../crypto/certificate.js';
import { keyMatchesCertificate, sealPrivateKey, unsealPrivateKey } from '../crypto/private-key-blob.js';
import { newKeyPair } from '../crypto/key-pool.js';
import { FileSystemError, readFile, writeFile } from '../storage/files.js';
import { dataDirectory } from './database.js';
import { checkPasswordPolicy } from './password.js';
import { findByName } from './principals.js';
import { currentDatabase, notFound } from './scope.js';
import { parseSqlDateTime } from './sql-date.js';
import { atLeast } from './version.js';
import { serverClock } from './clock.js';
import { assertNotProtectingAKey } from '../storage/database-encryption.js';

const YEAR_MS = 365 * 86_400_000;
const MAX_SUBJECT = 128;

export type CertificateSource =
  | { kind: 'new'; subject: string; startDate?: string; expiryDate?: string }
  | { kind: 'file'; path: string }
  | { kind: 'binary'; bytes: Buffer };

export interface PrivateKeySpec {
  file?: string;
  binary?: Buffer;
  decryptionPassword?: string;
}

export interface CreateCertificateRequest {
  name: string;
  authorization?: string;
  /** ENCRYPTION BY PASSWORD for the private key (instead of the database master key). */
  encryptionPassword?: string;
  source: CertificateSource;
  privateKey?: PrivateKeySpec;
}

export function findCertificate(database: DatabaseState, name: string): Certificate | undefined {
  return findByName(database.certificates, name)?.[1];
}

function invalidFile(): SqlError {
  return new SqlError(15208, 'The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have permissions for it.');
}

function absolute(env: ExecEnv, path: string): string {
  return /^([A-Za-z]:|\\\\|\/\/)/.test(path) ? path : `${dataDirectory(env.instance)}\\${path}`;
}

export function createCertificate(env: ExecEnv, request: CreateCertificateRequest): Certificate {
  const database = currentDatabase(env);
  if (findCertificate(database, request.name)) throw alreadyExists(request.name);
  const ownerId = owner(env, database, request.authorization);
  if (request.encryptionPassword !== undefined) checkPasswordPolicy(request.encryptionPassword);
  const now = serverClock(env.lab, env.instance.name, env.now());
  let certificate: Certificate;
  if (request.source.kind === 'new') {
    if (request.encryptionPassword === undefined && !database.masterKey) {
      throw new SqlError(15581, 'Please create a master key in the database or open the master key in the session before performing this operation.');
    }
    certificate = selfSigned(env, request, request.source, ownerId, now);
  } else {
    const der = request.source.kind === 'file' ? readCertificateFile(env, request.source.path) : request.source.bytes;
    let parsed: ParsedCertificate;
    try {
      parsed = parseCertificate(der);
    } catch (error) {
      if (!(error instanceof InvalidCertificateError)) throw error;
      if (request.source.kind === 'file') throw invalidFile();
      throw new SqlError(15297, 'The certificate, asymmetric key, or private key data is invalid.');
    }
    const duplicate = Object.values(database.certificates).find((existing) => existing.issuer === parsed.issuer && existing.serialHex === parsed.serialHex);
    if (duplicate) throw alreadyExists(request.name);
    const privateKeyPem = request.privateKey ? importPrivateKey(env, request.privateKey, parsed) : null;
    if (privateKeyPem && request.encryptionPassword === undefined && !database.masterKey) {
      throw new SqlError(15581, 'Please create a master key in the database or open the master key in the session before performing this operation.');
    }
    certificate = {
      name: request.name,
      certificateId: env.lab.nextIds.certificateId++,
      principalId: ownerId,
      subject: parsed.subject,
      issuer: parsed.issuer,
      serialHex: parsed.serialHex,
      startDate: parsed.startDate.toISOString(),
      expiryDate: parsed.expiryDate.toISOString(),
      thumbprintHex: parsed.thumbprintHex,
      derBase64: der.toString('base64'),
      privateKeyPem,
      privateKeyEncryption: privateKeyPem === null ? 'NA' : request.encryptionPassword === undefined ? 'MK' : 'PW',
      pvtKeyLastBackupDate: null,
    };
  }
  database.certificates[certificate.name] = certificate;
  env.changed();
  return certificate;
}

function alreadyExists(name: string): SqlError {
  return new SqlError(15232, `A certificate with name '${name}' already exists or this certificate already has been added to the database.`);
}

function owner(env: ExecEnv, database: DatabaseState, authorization: string | undefined): number {
  if (authorization === undefined) {
    const login = findByName(env.instance.logins, env.session.login)?.[1];
    const mapped = login && Object.values(database.users).find((user) => user.loginSidHex === login.sidHex);
    return mapped?.principalId ?? 1;
  }
  const user = findByName(database.users, authorization)?.[1];
  if (!user) throw notFound('find', 'user', authorization);
  return user.principalId;
}

function selfSigned(
  env: ExecEnv,
  request: CreateCertificateRequest,
  source: Extract<CertificateSource, { kind: 'new' }>,
  ownerId: number,
  now: Date,
): Certificate {
  if (source.subject.length < 1) {
    throw new SqlError(15212, `Invalid certificate subject. The certificate subject must have between 1 and ${MAX_SUBJECT} characters.`);
  }
  // SQL Server keeps certificate dates to the second.
  const startDate = source.startDate === undefined ? new Date(Math.floor(now.getTime() / 1000) * 1000) : parseSqlDateTime(source.startDate);
  const expiryDate = source.expiryDate === undefined ? new Date(startDate.getTime() + YEAR_MS) : parseSqlDateTime(source.expiryDate);
  const keyBits = atLeast(env.instance.version, '2016') ? 2048 : 1024;
  const { der, privateKeyPem } = createSelfSignedCertificate(
    {
      // SQL Server on Windows keeps the first 128 characters of a longer subject.
      subject: source.subject.slice(0, MAX_SUBJECT),
      startDate,
      expiryDate,
      keyBits,
      signature: atLeast(env.instance.version, '2017') ? 'sha256' : 'sha1',
    },
    newKeyPair(keyBits, env.lab, privateKeysOf(env.lab)),
  );
  const parsed = parseCertificate(der);
  validityWarnings(env, startDate, expiryDate, now);
  return {
    name: request.name,
    certificateId: env.lab.nextIds.certificateId++,
    principalId: ownerId,
    subject: parsed.subject,
    issuer: parsed.issuer,
    serialHex: parsed.serialHex,
    startDate: startDate.toISOString(),
    expiryDate: expiryDate.toISOString(),
    thumbprintHex: parsed.thumbprintHex,
    derBase64: der.toString('base64'),
    privateKeyPem,
    privateKeyEncryption: request.encryptionPassword === undefined ? 'MK' : 'PW',
    pvtKeyLastBackupDate: null,
  };
}

/** 15213–15215: the certificate is still created; the warning's class is a behaviour switch. */
function validityWarnings(env: ExecEnv, start: Date, expiry: Date, now: Date): void {
  const warnings: [number, string][] = [];
  if (expiry < start)
    warnings.push([15213, 'Warning: The certificate you created has an invalid validity period; its expiration date precedes its start date.']);
  else if (expiry < now) warnings.push([15214, 'Warning: The certificate you created has expired.']);
  if (start > now) warnings.push([15215, 'Warning: The certificate you created is not yet valid; its start date is in the future.']);
  for (const [number, message] of warnings) {
    env.emit({ kind: 'message', message: { number, state: 1, class: env.instance.behaviour.certificateWarningClass, message, line: env.line } });
  }
}

function readCertificateFile(env: ExecEnv, path: string): Buffer {
  try {
    const entry = readFile(env.lab, env.instance, absolute(env, path));
    if (entry.kind !== 'certificate') throw invalidFile();
    return Buffer.from(entry.derBase64, 'base64');
  } catch (error) {
    if (error instanceof FileSystemError) throw invalidFile();
    throw error;
  }
}

function importPrivateKey(env: ExecEnv, spec: PrivateKeySpec, certificate: ParsedCertificate): string {
  let blob: Buffer;
  if (spec.binary) blob = spec.binary;
  else {
    try {
      const entry = readFile(env.lab, env.instance, absolute(env, spec.file ?? ''));
      if (entry.kind !== 'private-key') throw invalidFile();
      blob = Buffer.from(entry.pvkBase64, 'base64');
    } catch (error) {
      if (error instanceof FileSystemError) throw invalidFile();
      throw error;
    }
  }
  const result = unsealPrivateKey(blob, spec.decryptionPassword ?? '');
  if (!result.ok && result.reason === 'invalid')
    throw spec.binary ? new SqlError(15297, 'The certificate, asymmetric key, or private key data is invalid.') : invalidFile();
  if (!result.ok) throw new SqlError(15465, 'The private key password is invalid.');
  if (!keyMatchesCertificate(result.privateKeyPem, certificate.publicKeyPem)) {
    throw new SqlError(15474, 'The private key does not match the public key in the certificate.');
  }
  return result.privateKeyPem;
}

export interface BackupCertificateRequest {
  name: string;
  file: string;
  privateKey?: { file: string; encryptionPassword: string; decryptionPassword?: string };
}

export function backupCertificate(env: ExecEnv, request: BackupCertificateRequest): void {
  const database = currentDatabase(env);
  const certificate = findCertificate(database, request.name);
  if (!certificate) throw notFound('find', 'certificate', request.name);
  if (request.privateKey && certificate.privateKeyPem === null) {
    throw new SqlError(15246, `Cannot export the private key of certificate '${certificate.name}' because it does not have one.`);
  }
  if (request.privateKey) checkPasswordPolicy(request.privateKey.encryptionPassword);
  writeNew(env, request.file, { kind: 'certificate', derBase64: certificate.derBase64 });
  if (request.privateKey && certificate.privateKeyPem) {
    const sealed = sealPrivateKey(certificate.privateKeyPem, request.privateKey.encryptionPassword);
    writeNew(env, request.privateKey.file, { kind: 'private-key', pvkBase64: sealed.toString('base64') });
    certificate.pvtKeyLastBackupDate = env.now().toISOString();
  }
  env.changed();
}

function writeNew(env: ExecEnv, path: string, content: { kind: 'certificate'; derBase64: string } | { kind: 'private-key'; pvkBase64: string }): void {
  const full = absolute(env, path);
  const cannotWrite = new SqlError(
    15240,
    `Cannot write into file '${full}'. Verify that you have write permissions, that the file path is valid, and that the file does not already exist.`,
  );
  try {
    readFile(env.lab, env.instance, full);
    throw cannotWrite;
  } catch (error) {
    if (!(error instanceof FileSystemError)) throw error;
  }
  try {
    writeFile(env.lab, env.instance, full, content);
  } catch (error) {
    if (error instanceof FileSystemError) throw cannotWrite;
    throw error;
  }
}

export function dropCertificate(env: ExecEnv, name: string): void {
  const database = currentDatabase(env);
  const found = findByName(database.certificates, name);
  if (!found) throw notFound('drop', 'certificate', name);
  const endpoint = env.instance.endpoint;
  if (database.name === 'master' && endpoint?.auth.some((method) => method.kind === 'CERTIFICATE' && method.certificate.toLowerCase() === name.toLowerCase())) {
    throw new SqlError(
      15352,
      `The certificate cannot be dropped because one or more entities are either signed or encrypted using it. To continue, correct the problem and then retry the operation.`,
    );
  }
  if (database.name === 'master') assertNotProtectingAKey(env.instance, found[1]);
  delete database.certificates[found[0]];
  env.changed();
}

/** CERTENCODED(cert_id): the DER bytes, or NULL for an unknown id. */
export function certificateEncoded(database: DatabaseState, certificateId: number): Buffer | null {
  const certificate = Object.values(database.certificates).find((candidate) => candidate.certificateId === certificateId);
  return certificate ? Buffer.from(certificate.derBase64, 'base64') : null;
}

/** CERTPRIVATEKEY(cert_id, encryption password): the sealed private key, or NULL. */
export function certificatePrivateKey(database: DatabaseState, certificateId: number, password: string): Buffer | null {
  const certificate = Object.values(database.certificates).find((candidate) => candidate.certificateId === certificateId);
  if (!certificate?.privateKeyPem) return null;
  return sealPrivateKey(certificate.privateKeyPem, password);
}

/** The private keys the lab's certificates hold, on every instance: a new certificate gets another. */
function privateKeysOf(lab: LabState): Set<string> {
  const keys = new Set<string>();
  for (const instance of Object.values(lab.instances))
    for (const database of Object.values(instance.databases))
      for (const certificate of Object.values(database.certificates)) if (certificate.privateKeyPem) keys.add(certificate.privateKeyPem);
  return keys;
}
