// RSA key pairs for CREATE CERTIFICATE. Generating a 2048-bit key costs ~0.2 s of CPU, and every
// setup creates two. A lab whose process has MIRRORBOOK_LAB_KEY_POOL=<dir> in its environment (the
// test helpers give one to every lab they start) takes its keys from the PEM files there in order,
// generating and adding only those missing, and never takes one twice — not even the key of a
// certificate it dropped: each certificate of a lab has a key no other certificate of it ever had,
// and the labs after the first skip the generation. Without it every key is generated, as SQL Server does.

import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../persist/atomic-file.js';

export interface KeyPair {
  privateKey: KeyObject;
  privateKeyPem: string;
}

function generate(bits: number): KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { privateKey, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A key pair of `bits`: generated, or the pool's next one `lab` has not taken (nor holds, for a lab
 * that kept no count); the count is kept in `lab`, whose state is saved with the certificate. */
export function newKeyPair(
  bits: number,
  lab: { keyPoolNext?: Record<string, number> },
  inUse: ReadonlySet<string>,
  pool = process.env.MIRRORBOOK_LAB_KEY_POOL,
): KeyPair {
  if (!pool) return generate(bits);
  mkdirSync(pool, { recursive: true, mode: 0o700 });
  const next = (lab.keyPoolNext ??= {});
  for (let index = next[bits] ?? 0; ; index++) {
    next[bits] = index + 1;
    const file = join(pool, `rsa-${bits}-${index}.pem`);
    if (!existsSync(file)) {
      const made = generate(bits);
      writeFileAtomic(file, made.privateKeyPem);
      return made;
    }
    const privateKeyPem = readFileSync(file, 'utf8');
    if (!inUse.has(privateKeyPem)) return { privateKey: createPrivateKey(privateKeyPem), privateKeyPem };
  }
}
