// RSA key pairs for CREATE CERTIFICATE. Generating a 2048-bit key costs ~0.2 s of CPU, and every
// setup creates two. A lab whose process has MIRRORBOOK_LAB_KEY_POOL=<dir> in its environment (the
// test helpers give one to every lab they start) takes its keys from the PEM files there, generating
// and adding only those missing, and never one a certificate of the same lab already holds: each
// certificate of a lab still has a key of its own, and the labs after the first skip the generation.
// Without it every key is generated, as SQL Server does.

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

/** A key pair of `bits` whose private key (PKCS#8 PEM) is not among `inUse`. */
export function newKeyPair(bits: number, inUse: ReadonlySet<string>, pool = process.env.MIRRORBOOK_LAB_KEY_POOL): KeyPair {
  if (!pool) return generate(bits);
  mkdirSync(pool, { recursive: true, mode: 0o700 });
  for (let index = 0; ; index++) {
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
