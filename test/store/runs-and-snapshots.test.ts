import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreError } from '../../store/index.js';
import { definition, runInput, tempStore, intactCount } from './support.js';

test('a run keeps its pinned definition and who started it', () => {
  const t = tempStore();
  try {
    const run = t.store.runs.create(runInput());
    assert.is(run.status, 'running');
    assert.is(run.exitCode, null);
    assert.is(run.endedAt, null);
    assert.equal(t.store.runs.get('run-1')?.definition, definition);
    assert.equal(run.argv, ['run', 'certificate-setup']);
    assert.is(t.store.runs.get('nope'), undefined);
  } finally {
    t.cleanup();
  }
});

test('latest finds the newest run, by pair and unfinished; list is newest first', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput('run-1', 'SQLA|SQLB'));
    t.store.runs.create(runInput('run-2', 'SQLC|SQLD'));
    t.store.runs.create(runInput('run-3', 'SQLA|SQLB'));
    t.store.runs.setStatus('run-3', 'done', 0);
    t.store.runs.setStatus('run-1', 'interrupted', 130);
    assert.is(t.store.runs.latest()?.id, 'run-3');
    assert.is(t.store.runs.latest({ unfinished: true })?.id, 'run-2');
    assert.is(t.store.runs.latest({ pairKey: 'SQLA|SQLB', unfinished: true })?.id, 'run-1');
    assert.is(t.store.runs.latest({ pairKey: 'SQLA|SQLB' })?.id, 'run-3');
    assert.is(t.store.runs.latest({ pairKey: 'nothing' }), undefined);
    assert.equal(
      t.store.runs.list().map((r) => r.id),
      ['run-3', 'run-2', 'run-1'],
    );
    assert.equal(
      t.store.runs.list({ limit: 2 }).map((r) => r.id),
      ['run-3', 'run-2'],
    );
  } finally {
    t.cleanup();
  }
});

test('status changes are audited: run-end when it stops, resume when it runs again', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    t.store.runs.setStatus('run-1', 'interrupted', 130);
    const stopped = t.store.runs.get('run-1')!;
    assert.equal([stopped.status, stopped.exitCode, typeof stopped.endedAt], ['interrupted', 130, 'string']);
    t.store.runs.setStatus('run-1', 'running');
    assert.is(t.store.runs.get('run-1')?.endedAt, null);
    t.store.runs.setStatus('run-1', 'done', 0);
    const kinds = t.store.audit.forRun('run-1').map((r) => `${r.kind}:${r.result ?? ''}`);
    assert.equal(kinds, ['run-start:', 'run-end:interrupted', 'resume:running', 'run-end:done']);
  } finally {
    t.cleanup();
  }
});

test('an unknown run is a StoreError, not a foreign-key crash', () => {
  const t = tempStore();
  try {
    assert.throws(
      () => t.store.runs.setStatus('ghost', 'done', 0),
      (e: unknown) => e instanceof StoreError && e.code === 'unknown-run',
    );
    assert.throws(
      () => t.store.journal.intent({ runId: 'ghost', stepId: 'x', attempt: 1, action: 'apply' }),
      (e: unknown) => e instanceof StoreError && e.code === 'unknown-run',
    );
    assert.throws(
      () => t.store.journal.outcome({ intentId: 99, status: 'ok' }),
      (e: unknown) => e instanceof StoreError && e.code === 'unknown-intent',
    );
  } finally {
    t.cleanup();
  }
});

test('the step journal keeps the latest final state per step, in first-finished order', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    t.store.journal.step({ runId: 'run-1', stepId: 'master-key', status: 'already-done', attempt: 1, detail: 'master key exists' });
    t.store.journal.step({ runId: 'run-1', stepId: 'set-partner', status: 'failed', attempt: 1, error: { number: 1418, message: 'unreachable' } });
    t.store.journal.step({ runId: 'run-1', stepId: 'set-partner', status: 'done', attempt: 2 });
    const steps = t.store.journal.steps('run-1');
    assert.equal(
      steps.map((s) => [s.stepId, s.status, s.attempt]),
      [
        ['master-key', 'already-done', 1],
        ['set-partner', 'done', 2],
      ],
    );
    assert.is(steps[0]!.detail, 'master key exists');
  } finally {
    t.cleanup();
  }
});

test('a snapshot is saved with its definition hash; the newest replaces the older', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    assert.is(t.store.snapshots.load('run-1'), undefined);
    t.store.snapshots.save('run-1', { value: 'masterKey', context: { n: 1 } }, 'sha256:abc');
    t.store.snapshots.save('run-1', { value: 'setPartner', context: { n: 2 } }, 'sha256:abc');
    const saved = t.store.snapshots.load('run-1')!;
    assert.equal(saved.snapshot, { value: 'setPartner', context: { n: 2 } });
    assert.is(saved.definitionHash, 'sha256:abc');
  } finally {
    t.cleanup();
  }
});

test('store.transaction commits all or nothing', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    assert.throws(
      () =>
        t.store.transaction(() => {
          t.store.audit.append({ kind: 'note', runId: 'run-1', message: 'first' });
          t.store.journal.intent({ runId: 'run-1', stepId: 'master-key', attempt: 1, action: 'apply' });
          throw new Error('changed my mind');
        }),
      /changed my mind/,
    );
    assert.equal(t.store.journal.forRun('run-1'), []);
    assert.equal(intactCount(t.store.audit.verify()), 1);
  } finally {
    t.cleanup();
  }
});

test.run();
