// A store whose audit trail is signed with the audit key (audit.key) takes no record from a command
// given no key: the record would read as a chain rebuilt without the key — a tamper alarm the tool
// raised itself. It is refused with a hint, nothing is written, and the trail still verifies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../../store/index.js';
import { storeErrorOf, tempStore } from './support.js';

const KEY = Buffer.from('a-key-of-sixteen-or-more-characters');

test('a keyless append to a signed trail is refused with a hint; the trail is unchanged and verifies', () => {
  const t = tempStore();
  try {
    t.store.close();
    const signed = openStore(t.path, { auditKey: KEY });
    signed.audit.append({ kind: 'note', runId: null, message: 'signed' });
    const head = signed.audit.head();
    signed.close();

    const keyless = openStore(t.path);
    const refused = storeErrorOf(() => keyless.audit.append({ kind: 'note', runId: null, message: 'unsigned' }));
    assert.is(refused.code, 'audit-key-missing');
    assert.match(refused.hint, /audit\.key/);
    assert.equal(keyless.audit.head(), head, 'nothing was written');
    keyless.close();

    const again = openStore(t.path, { auditKey: KEY, readonly: true });
    assert.ok(again.audit.verify().ok, 'the signed trail verifies');
    again.close();
  } finally {
    t.cleanup();
  }
});

test('a store never signed takes keyless records as before', () => {
  const t = tempStore();
  try {
    t.store.audit.append({ kind: 'note', runId: null, message: 'plain' });
    assert.ok(t.store.audit.verify().ok);
  } finally {
    t.cleanup();
  }
});

test.run();
