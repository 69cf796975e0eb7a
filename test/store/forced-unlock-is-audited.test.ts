import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempStore, intactCount } from './support.js';

test('a forced unlock removes the lock and leaves an unlock record naming who, why and what', () => {
  const t = tempStore();
  try {
    t.store.locks.acquire({ pairKey: 'SQLA|SQLB', runId: 'run-1', procedure: 'failover', owner: 'alice', host: 'other-host', pid: 4242 });
    const removed = t.store.locks.forceUnlock('SQLA|SQLB', { operator: 'bob', osUser: 'bob', host: 'jumpbox', reason: "alice's laptop died mid-run" });
    assert.is(removed?.owner, 'alice');
    assert.is(t.store.locks.get('SQLA|SQLB'), undefined);
    let ndjson = '';
    t.store.audit.export('ndjson', {}, (c) => (ndjson += c));
    const [unlock] = ndjson
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.is(unlock.kind, 'unlock');
    assert.is(unlock.runId, null);
    assert.is(unlock.operator, 'bob');
    assert.is(unlock.osUser, 'bob');
    assert.is(unlock.host, 'jumpbox');
    assert.is(unlock.message, "alice's laptop died mid-run");
    assert.is(unlock.result, 'forced');
    assert.equal(unlock.data.holder, { ...removed });
    assert.equal(intactCount(t.store.audit.verify()), 1);
  } finally {
    t.cleanup();
  }
});

test('unlocking a pair nobody holds changes nothing and audits nothing', () => {
  const t = tempStore();
  try {
    assert.is(t.store.locks.forceUnlock('SQLA|SQLB', { operator: 'bob', osUser: 'bob', host: 'jumpbox' }), undefined);
    assert.equal(intactCount(t.store.audit.verify()), 0);
  } finally {
    t.cleanup();
  }
});

test.run();
