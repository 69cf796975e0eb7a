import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPassword, verifyPassword } from '../../lab/instance/password.js';

const stored = hashPassword('Lab-Passw0rd!2024');

test('the right password verifies, again and again', () => {
  for (let i = 0; i < 3; i++) assert.ok(verifyPassword('Lab-Passw0rd!2024', stored));
});

test('a wrong password is refused after the right one was accepted', () => {
  assert.ok(verifyPassword('Lab-Passw0rd!2024', stored));
  assert.not.ok(verifyPassword('Lab-Passw0rd!2025', stored));
  assert.not.ok(verifyPassword('', stored));
});

test('an accepted password does not open another hash of another password', () => {
  const other = hashPassword('Other-Passw0rd!2024');
  assert.ok(verifyPassword('Lab-Passw0rd!2024', stored));
  assert.not.ok(verifyPassword('Lab-Passw0rd!2024', other));
});

test('the same password under a new salt is verified on its own', () => {
  const rehashed = hashPassword('Lab-Passw0rd!2024');
  assert.ok(verifyPassword('Lab-Passw0rd!2024', rehashed));
  assert.not.ok(verifyPassword('lab-passw0rd!2024', rehashed));
});

test('more distinct logins than the cache holds still verify', () => {
  const hashes = Array.from({ length: 300 }, (_, i) => [`Pw-${i}-Aa1!x`, hashPassword(`Pw-${i}-Aa1!x`)] as const);
  for (const [password, hash] of hashes) assert.ok(verifyPassword(password, hash));
  for (const [password, hash] of hashes.slice(0, 5)) {
    assert.ok(verifyPassword(password, hash));
    assert.not.ok(verifyPassword(`${password}?`, hash));
  }
});

test.run();
