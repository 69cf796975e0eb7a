import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { Secret } from '../../config/secret.js';
import { StoreError } from '../../store/index.js';
import { runInput, tempStore, intactCount } from './support.js';

const password = new Secret('Tr0ub4dor&3-very-secret', 'env:MB_MASTER_KEY');

function refused(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, StoreError);
    assert.is((error as StoreError).code, 'secret-refused');
    return error as StoreError;
  }
  throw new Error('the store accepted it');
}

test('T-SQL carrying an inspected Secret is refused, nothing written', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    const sql = `CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'${inspect(password)}'`;
    refused(() => t.store.audit.append({ kind: 'statement', runId: 'run-1', sql }));
    refused(() => t.store.journal.intent({ runId: 'run-1', stepId: 'master-key', attempt: 1, action: 'apply', audit: { sql } }));
    assert.equal(t.store.journal.forRun('run-1'), [], 'the intent rolled back with its audit record');
    assert.equal(intactCount(t.store.audit.verify()), 1);
  } finally {
    t.cleanup();
  }
});

test('a Secret object handed over as text is refused', () => {
  const t = tempStore();
  try {
    refused(() => t.store.audit.append({ kind: 'note', message: password as unknown as string }));
  } finally {
    t.cleanup();
  }
});

test('Secrets inside data and snapshots are stored masked, never revealed', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    const record = t.store.audit.append({ kind: 'note', runId: 'run-1', data: { masterKey: password } });
    assert.equal(record.data, { masterKey: '****' });
    t.store.snapshots.save('run-1', { context: { password } }, 'sha256:abc');
    assert.equal(t.store.snapshots.load('run-1')?.snapshot, { context: { password: '****' } });
    const files = [t.path, `${t.path}-wal`];
    const leaks = () => files.filter((f) => existsSync(f) && readFileSync(f).includes(password.reveal()));
    assert.ok(readFileSync(`${t.path}-wal`).includes('****'), 'the WAL holds the records being checked');
    assert.equal(leaks(), []);
    t.store.close();
    assert.equal(leaks(), []);
  } finally {
    t.cleanup();
  }
});

test.run();
