import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostname } from 'node:os';
import { openStore } from '../../store/index.js';
import { tempStore } from './support.js';

const me = { procedure: 'certificate-setup', owner: 'alice', host: hostname(), pid: process.pid };

test('a second run on the same pair is refused and told who holds it', () => {
  const t = tempStore();
  const other = openStore(t.path);
  try {
    assert.equal(t.store.locks.acquire({ ...me, pairKey: 'SQLA|SQLB', runId: 'run-1' }), { ok: true });
    const second = other.locks.acquire({ ...me, owner: 'bob', pairKey: 'SQLA|SQLB', runId: 'run-2' });
    assert.is(second.ok, false);
    if (second.ok) return;
    assert.is(second.stale, false);
    assert.is(second.holder.runId, 'run-1');
    assert.is(second.holder.owner, 'alice');
    assert.is(second.holder.pid, process.pid);
    assert.is(second.holder.procedure, 'certificate-setup');
    assert.equal(other.locks.acquire({ ...me, pairKey: 'SQLC|SQLD', runId: 'run-3' }), { ok: true }, 'another pair is free');
  } finally {
    other.close();
    t.cleanup();
  }
});

test('released, the pair can be locked again; a release by another run changes nothing', () => {
  const t = tempStore();
  try {
    t.store.locks.acquire({ ...me, pairKey: 'SQLA|SQLB', runId: 'run-1' });
    t.store.locks.release('SQLA|SQLB', 'run-2');
    assert.is(t.store.locks.get('SQLA|SQLB')?.runId, 'run-1');
    t.store.locks.release('SQLA|SQLB', 'run-1');
    assert.is(t.store.locks.get('SQLA|SQLB'), undefined);
    assert.equal(t.store.locks.acquire({ ...me, pairKey: 'SQLA|SQLB', runId: 'run-2' }), { ok: true });
  } finally {
    t.cleanup();
  }
});

test('a lock held from another host is never assumed stale', () => {
  const t = tempStore();
  try {
    t.store.locks.acquire({ ...me, host: 'some-other-host', pid: 999_999_999, pairKey: 'SQLA|SQLB', runId: 'run-1' });
    const result = t.store.locks.acquire({ ...me, pairKey: 'SQLA|SQLB', runId: 'run-2' });
    assert.equal(result.ok ? 'acquired' : result.stale, false);
    assert.is(t.store.locks.get('SQLA|SQLB')?.stale, false);
  } finally {
    t.cleanup();
  }
});

test.run();
