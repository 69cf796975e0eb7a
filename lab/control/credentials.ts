// Secrets the lab generates once and keeps in D/credentials/ (directory 0700, files 0600): the admin
// login's password per instance and what a certificate setup needs (master key password, endpoint
// login password). Generated passwords satisfy the simulated Windows policy (length, 4 classes).

import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../persist/atomic-file.js';
import { passwordFile, type LabDir } from './lab-dir.js';

export const MASTER_KEY_SECRET = 'master-key';
export const ENDPOINT_LOGIN_SECRET = 'endpoint-login';

export function generatePassword(): string {
  const body = randomBytes(18).toString('base64url').replace(/[-_]/g, '');
  const symbols = '#%+=!';
  return `Mb${body.slice(0, 16)}${randomInt(10)}${symbols[randomInt(symbols.length)]}x`;
}

/** The secret's value, generating and storing it on first use. */
export function ensureSecret(dir: LabDir, name: string): string {
  mkdirSync(dir.credentials, { recursive: true, mode: 0o700 });
  chmodSync(dir.credentials, 0o700);
  const path = passwordFile(dir, name);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = generatePassword();
  writeFileAtomic(path, secret + '\n', { mode: 0o600 });
  return secret;
}

export function readSecret(dir: LabDir, name: string): string {
  return readFileSync(passwordFile(dir, name), 'utf8').trim();
}
