// The chain's HMAC is built from two one-shot SHA-256 calls (store/audit-chain.ts hasherOf) for
// speed: it must give exactly node's createHmac digest for every key length (shorter than, equal
// to and longer than SHA-256's 64-byte block) and every text (UTF-8 of non-BMP characters and lone
// surrogates, texts longer than its first buffer), and the same digest when used again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createHmac } from 'node:crypto';
import { KEYED, chainHash, hasherOf } from '../../store/audit-chain.js';

const texts = [
  '',
  'a',
  `${'0'.repeat(64)}\n[1,"2026-12-04T08:00:00.000Z","run-1","note"]`,
  'Zürich 東京 🚀 \u2028',
  'lone \ud800 surrogate \udc00',
  'x'.repeat(5000),
  '€'.repeat(3000),
];
const keys = [0, 1, 32, 63, 64, 65, 200].map((n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256)));

test('every key length and text: the digest createHmac gives, prefixed hmac:', () => {
  for (const key of keys) {
    const hmac = hasherOf(key);
    for (const text of [...texts, ...texts]) {
      assert.is(hmac(text), KEYED + createHmac('sha256', key).update(text).digest('hex'), `key of ${key.length} bytes, text of ${text.length} chars`);
    }
  }
});

test('without a key: plain SHA-256; chainHash joins the previous hash and the canonical text with a newline', () => {
  for (const text of texts) assert.is(hasherOf()(text), createHash('sha256').update(text).digest('hex'));
  const key = Buffer.from('k3y');
  assert.is(
    chainHash('a'.repeat(64), '[1]', key),
    KEYED +
      createHmac('sha256', key)
        .update(`${'a'.repeat(64)}\n[1]`)
        .digest('hex'),
  );
  assert.is(
    chainHash('a'.repeat(64), '[1]'),
    createHash('sha256')
      .update(`${'a'.repeat(64)}\n[1]`)
      .digest('hex'),
  );
});

test('two keys used in turn do not share state', () => {
  const [a, b] = [hasherOf(Buffer.from('key-a')), hasherOf(Buffer.from('key-b'))];
  assert.is.not(a('same text'), b('same text'));
  assert.is(a('same text'), KEYED + createHmac('sha256', 'key-a').update('same text').digest('hex'));
  assert.is(b('same text'), KEYED + createHmac('sha256', 'key-b').update('same text').digest('hex'));
});

test.run();
