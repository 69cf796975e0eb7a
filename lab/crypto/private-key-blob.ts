// The private key as BACKUP CERTIFICATE … WITH PRIVATE KEY writes it and CERTPRIVATEKEY returns it:
// the PKCS#8 key sealed with a password (AES-256-GCM under an scrypt-derived key). Real SQL Server
// writes Microsoft's PVK format; nothing outside the lab reads these bytes, so the lab keeps its own.

import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, randomBytes, scryptSync } from 'node:crypto';

const MAGIC = Buffer.from('LABPVK1\0', 'latin1');

export function sealPrivateKey(privateKeyPem: string, password: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', scryptSync(password, salt, 32), iv);
  const body = Buffer.concat([cipher.update(privateKeyPem, 'utf8'), cipher.final()]);
  return Buffer.concat([MAGIC, salt, iv, cipher.getAuthTag(), body]);
}

export type UnsealResult = { ok: true; privateKeyPem: string } | { ok: false; reason: 'invalid' | 'password' };

export function unsealPrivateKey(blob: Buffer, password: string): UnsealResult {
  if (blob.length < MAGIC.length + 44 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, reason: 'invalid' };
  let offset = MAGIC.length;
  const salt = blob.subarray(offset, (offset += 16));
  const iv = blob.subarray(offset, (offset += 12));
  const tag = blob.subarray(offset, (offset += 16));
  try {
    const decipher = createDecipheriv('aes-256-gcm', scryptSync(password, salt, 32), iv);
    decipher.setAuthTag(tag);
    return { ok: true, privateKeyPem: Buffer.concat([decipher.update(blob.subarray(offset)), decipher.final()]).toString('utf8') };
  } catch {
    return { ok: false, reason: 'password' };
  }
}

export function keyMatchesCertificate(privateKeyPem: string, publicKeyPem: string): boolean {
  const derived = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
  return derived === publicKeyPem;
}
