// Real X.509 certificates, as SQL Server's CREATE CERTIFICATE makes them: self-signed RSA with the
// subject as CN, a random serial, and the validity window given. The DER bytes travel through
// CERTENCODED / BACKUP CERTIFICATE and are parsed back by FROM BINARY / FROM FILE.

import { createHash, createPublicKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import * as der from './der.js';
import type { KeyPair } from './key-pool.js';

const COMMON_NAME = '2.5.4.3';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const SIGNATURES = { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11' } as const;

export interface NewCertificateRequest {
  subject: string;
  startDate: Date;
  expiryDate: Date;
  keyBits: 1024 | 2048;
  signature: keyof typeof SIGNATURES;
}

export interface ParsedCertificate {
  subject: string;
  issuer: string;
  /** Big-endian serial bytes as lower-case hex, no separators. */
  serialHex: string;
  startDate: Date;
  expiryDate: Date;
  publicKeyPem: string;
  thumbprintHex: string;
}

export class InvalidCertificateError extends Error {}

const algorithm = (name: keyof typeof SIGNATURES): Buffer => der.sequence(der.oid(SIGNATURES[name]), der.nullValue());
const distinguishedName = (cn: string): Buffer => der.sequence(der.set(der.sequence(der.oid(COMMON_NAME), der.utf8String(cn))));

/** The certificate for `key` (lab/crypto/key-pool.ts: of request.keyBits bits). */
export function createSelfSignedCertificate(request: NewCertificateRequest, key: KeyPair): { der: Buffer; privateKeyPem: string } {
  const { privateKey } = key;
  const publicKey = createPublicKey(privateKey);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const name = distinguishedName(request.subject);
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(serial),
    algorithm(request.signature),
    name,
    der.sequence(der.time(request.startDate), der.time(request.expiryDate)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign(request.signature, tbs, privateKey);
  return {
    der: der.sequence(tbs, algorithm(request.signature), der.bitString(signature)),
    privateKeyPem: key.privateKeyPem,
  };
}

export function thumbprint(certificateDer: Buffer): Buffer {
  return createHash('sha1').update(certificateDer).digest();
}

function commonName(nameNode: der.DerNode): string {
  const values: string[] = [];
  for (const rdn of der.children(der.expect(nameNode, der.Tag.SEQUENCE))) {
    for (const attribute of der.children(rdn)) {
      const [type, value] = der.children(attribute);
      if (type && value && der.decodeOid(type) === COMMON_NAME) values.push(der.decodeString(value));
    }
  }
  if (values.length === 0) throw new InvalidCertificateError('certificate name has no CN');
  return values.join(', ');
}

/** Parses DER bytes; throws InvalidCertificateError for anything that is not an RSA X.509 certificate. */
export function parseCertificate(bytes: Buffer): ParsedCertificate {
  try {
    const outer = der.read(bytes);
    if (outer.end !== bytes.length) throw new InvalidCertificateError('trailing bytes after certificate');
    const [tbs] = der.children(der.expect(outer, der.Tag.SEQUENCE));
    const fields = der.children(der.expect(tbs, der.Tag.SEQUENCE));
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = der.expect(fields[offset], der.Tag.INTEGER).content;
    const issuer = commonName(der.expect(fields[offset + 2], der.Tag.SEQUENCE));
    const [notBefore, notAfter] = der.children(der.expect(fields[offset + 3], der.Tag.SEQUENCE));
    const subject = commonName(der.expect(fields[offset + 4], der.Tag.SEQUENCE));
    const spki = der.expect(fields[offset + 5], der.Tag.SEQUENCE);
    const [spkiAlgorithm] = der.children(spki);
    const [keyOid] = der.children(der.expect(spkiAlgorithm, der.Tag.SEQUENCE));
    if (!keyOid || der.decodeOid(keyOid) !== RSA_ENCRYPTION) throw new InvalidCertificateError('not an RSA key');
    if (!notBefore || !notAfter) throw new InvalidCertificateError('missing validity');
    // node's own parser as a second opinion: it rejects anything OpenSSL would not load.
    new X509Certificate(bytes);
    const serialBody = serial[0] === 0 && serial.length > 1 ? serial.subarray(1) : serial;
    return {
      subject,
      issuer,
      serialHex: serialBody.toString('hex'),
      startDate: der.decodeTime(notBefore),
      expiryDate: der.decodeTime(notAfter),
      publicKeyPem: createPublicKey({ key: spki.raw, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString(),
      thumbprintHex: thumbprint(bytes).toString('hex'),
    };
  } catch (error) {
    if (error instanceof InvalidCertificateError) throw error;
    throw new InvalidCertificateError(error instanceof Error ? error.message : String(error));
  }
}
