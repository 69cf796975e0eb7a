// CREATE CERTIFICATE's key pairs (lab/crypto/key-pool.ts): with a pool directory a lab takes the
// pool's keys in order, never one it took before (not even a dropped certificate's) nor one its
// certificates hold, and adds a generated one when none is left; another lab reuses them. Without a
// pool every key is generated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import { newKeyPair } from '../../lab/crypto/key-pool.js';
import { createSelfSignedCertificate, parseCertificate } from '../../lab/crypto/certificate.js';

const BITS = 1024;

test('a pool gives each certificate of a lab a key of its own and the next lab the same keys', () => {
  const pool = mkdtempSync(join(tmpdir(), 'mirrorbook-key-pool-'));
  try {
    const lab = {};
    const first = newKeyPair(BITS, lab, new Set(), pool);
    const second = newKeyPair(BITS, lab, new Set([first.privateKeyPem]), pool);
    assert.is.not(second.privateKeyPem, first.privateKeyPem, 'one lab never gets a key twice');
    assert.equal(readdirSync(pool).sort(), [`rsa-${BITS}-0.pem`, `rsa-${BITS}-1.pem`]);
    const afterDrop = newKeyPair(BITS, lab, new Set(), pool);
    assert.not.ok([first.privateKeyPem, second.privateKeyPem].includes(afterDrop.privateKeyPem), 'a dropped certificate’s key is not given to the next one');
    const oldLab = { keyPoolNext: {} };
    assert.is(
      newKeyPair(BITS, oldLab, new Set([first.privateKeyPem]), pool).privateKeyPem,
      second.privateKeyPem,
      'a lab with no count skips the keys it holds',
    );
    const nextLab = newKeyPair(BITS, {}, new Set(), pool);
    assert.is(nextLab.privateKeyPem, first.privateKeyPem, 'another lab takes the pool key, not a new one');
    assert.is(newKeyPair(2048, lab, new Set(), pool).privateKey.asymmetricKeyDetails?.modulusLength, 2048, 'keys of another size are kept apart');
    assert.is(readdirSync(pool).length, 4);
    const certificate = parseCertificate(
      createSelfSignedCertificate(
        { subject: 'pool', startDate: new Date('2026-01-01'), expiryDate: new Date('2027-01-01'), keyBits: BITS, signature: 'sha256' },
        second,
      ).der,
    );
    assert.is(
      certificate.publicKeyPem,
      createPublicKey(second.privateKey).export({ type: 'spki', format: 'pem' }).toString(),
      'the certificate holds the key given',
    );
  } finally {
    rmSync(pool, { recursive: true, force: true });
  }
});

test('without a pool every key is generated', () => {
  const a = newKeyPair(BITS, {}, new Set(), '');
  const b = newKeyPair(BITS, {}, new Set(), '');
  assert.is.not(a.privateKeyPem, b.privateKeyPem);
  assert.is(a.privateKey.asymmetricKeyDetails?.modulusLength, BITS);
});

test.run();
