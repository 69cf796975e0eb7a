// Login and master-key passwords: checked against a simulated Windows password policy, stored only
// as a scrypt hash.

import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { SqlError } from '../errors.js';

const KEY_LENGTH = 32;
/** scrypt cost: a lab login is no vault (SQL Server's own hash is one salted SHA-512, no work
 * factor), and every new lab hashes its admin passwords, each setup a few more, each first login a
 * verification (a hash at 1024 cost 3.5 ms of CPU, at 256 0.6 ms; the suite starts some hundred
 * labs). The cost is kept in each hash, so hashes made at another cost still verify. */
const COST = 256;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${COST}$${salt.toString('base64')}$${scryptSync(password, salt, KEY_LENGTH, { N: COST }).toString('base64')}`;
}

/** The stored hash of a password nobody is ever told (sa's and the application login's at install):
 * random bytes where scrypt's output goes. No password matches them, as none would match scrypt of
 * a secret thrown away, and a new lab is spared a scrypt (~5 ms of CPU) per such login. */
export function unknownPasswordHash(): string {
  return `scrypt$${COST}$${randomBytes(16).toString('base64')}$${randomBytes(KEY_LENGTH).toString('base64')}`;
}

/**
 * Successful verifications, keyed by SHA-256 of stored hash + password: a synchronous scrypt per TDS
 * login blocks every instance of the lab process for milliseconds. Only successes are kept, so a
 * wrong password always pays the full cost; a changed password changes the stored hash, so the key.
 */
const verified = new Set<string>();
const VERIFIED_LIMIT = 256;

export function verifyPassword(password: string, stored: string): boolean {
  const key = createHash('sha256').update(stored).update('\0').update(password).digest('base64');
  if (verified.has(key)) return true;
  if (!verifyWithScrypt(password, stored)) return false;
  if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.values().next().value as string);
  verified.add(key);
  return true;
}

function verifyWithScrypt(password: string, stored: string): boolean {
  const [scheme, cost, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || cost === undefined || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(cost) });
  return timingSafeEqual(actual, expected);
}

/** The lab's stand-in for SQL Server's password hash bytes (LOGINPROPERTY(…, 'PasswordHash'),
 * sys.sql_logins.password_hash): the 0x0200 version header SQL Server 2012+ uses, then the stored
 * scrypt hash. Like the real one it lets CREATE LOGIN … PASSWORD = 0x… HASHED move a login to
 * another server with its password, and it never contains the password. */
const HASH_VERSION = Buffer.from([0x02, 0x00]);

export function passwordHashBytes(stored: string): Buffer {
  return Buffer.concat([HASH_VERSION, Buffer.from(stored, 'utf8')]);
}

/** The stored form of hash bytes given with HASHED; 15021 when they are not a hash this lab made. */
export function storedPasswordHash(bytes: Buffer): string {
  const stored = bytes.subarray(HASH_VERSION.length).toString('utf8');
  if (!bytes.subarray(0, HASH_VERSION.length).equals(HASH_VERSION) || !/^scrypt\$\d+\$[^$]+\$[^$]+$/.test(stored)) {
    throw new SqlError(15021, 'Invalid value given for parameter PASSWORD. Specify a valid parameter value.');
  }
  return stored;
}

/** Windows' default complexity rule: at least 8 characters from 3 of the 4 character classes. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < 8) {
    throw new SqlError(15116, `Password validation failed. The password does not meet the operating system policy requirements because it is too short.`);
  }
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  if (classes < 3) {
    throw new SqlError(
      15118,
      `Password validation failed. The password does not meet the operating system policy requirements because it is not complex enough.`,
    );
  }
}
