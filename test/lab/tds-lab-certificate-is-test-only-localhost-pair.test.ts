import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadLabTlsCredentials } from '../../lab/tls/index.js';

const dir = new URL('../../lab/tls/', import.meta.url);

test('the embedded key and certificate are the committed PEM files', () => {
  const { key, cert } = loadLabTlsCredentials();
  assert.is(key, readFileSync(new URL('key.pem', dir), 'utf8'));
  assert.is(cert, readFileSync(new URL('cert.pem', dir), 'utf8'));
});

test('the certificate names localhost and 127.0.0.1, matches the key and lasts decades', () => {
  const { key, cert } = loadLabTlsCredentials();
  const x509 = new X509Certificate(cert);
  assert.ok(x509.checkHost('localhost'));
  assert.ok(x509.checkIP('127.0.0.1'));
  assert.ok(x509.checkPrivateKey(createPrivateKey(key)));
  const years = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / (365.25 * 86_400_000);
  assert.ok(years > 49, `valid ${years.toFixed(1)} years`);
});

test.run();
