import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { intactCount, runInput, TS_NODE_ARGS, tempStore } from './support.js';

test('a second connection sees the intent and its audit record as soon as intent() returns', () => {
  const t = tempStore();
  const other = new Database(t.path, { readonly: true });
  try {
    t.store.runs.create(runInput());
    const id = t.store.journal.intent({
      runId: 'run-1',
      stepId: 'set-partner',
      attempt: 1,
      action: 'apply',
      audit: { target: 'principal', server: 'SQLA', sql: "ALTER DATABASE [Sales] SET PARTNER = N'TCP://mirror.lab:5022'" },
    });
    const intent = other.prepare('SELECT step_id, attempt FROM intents WHERE id = ?').get(id);
    assert.equal(intent, { step_id: 'set-partner', attempt: 1 });
    const audited = other.prepare("SELECT kind, sql FROM audit WHERE kind = 'intent'").all();
    assert.equal(audited, [{ kind: 'intent', sql: "ALTER DATABASE [Sales] SET PARTNER = N'TCP://mirror.lab:5022'" }]);
    assert.is(t.store.journal.inDoubt('run-1').length, 1);
  } finally {
    other.close();
    t.cleanup();
  }
});

test('an intent survives kill -9 of the writer right after intent() returns, and is in doubt', async () => {
  const t = tempStore();
  t.store.runs.create(runInput());
  t.store.close();
  const script = join(t.dir, 'writer.mjs');
  writeFileSync(
    script,
    `
    import { openStore } from ${JSON.stringify(new URL('../../store/index.ts', import.meta.url).pathname)};
    const store = openStore(${JSON.stringify(t.path)});
    store.journal.intent({ runId: 'run-1', stepId: 'master-key', attempt: 1, action: 'apply' });
    process.kill(process.pid, 'SIGKILL');
  `,
  );
  try {
    const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
      const child = spawn(process.execPath, [...TS_NODE_ARGS, script], { stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', (_code, sig) => resolve(sig));
    });
    assert.is(signal, 'SIGKILL');
    const store = openStore(t.path);
    const doubt = store.journal.inDoubt('run-1');
    assert.is(doubt.length, 1);
    assert.is(doubt[0]!.stepId, 'master-key');
    assert.is(doubt[0]!.outcome, null);
    assert.equal(intactCount(store.audit.verify()), 2);
    store.close();
  } finally {
    t.cleanup();
  }
});

test('an outcome takes the intent out of doubt and records the error', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    const id = t.store.journal.intent({ runId: 'run-1', stepId: 'master-key', attempt: 1, action: 'apply' });
    t.store.journal.outcome({ intentId: id, status: 'error', error: { number: 15578, message: 'There is already a master key in the database.' } });
    assert.equal(t.store.journal.inDoubt('run-1'), []);
    const [entry] = t.store.journal.forRun('run-1');
    assert.is(entry!.outcome?.status, 'error');
    assert.is(entry!.outcome?.errorNumber, 15578);
    const outcome = t.store.audit.forRun('run-1').find((r) => r.kind === 'outcome')!;
    assert.is(outcome.result, 'error');
    assert.is(outcome.errorNumber, 15578);
    assert.is(outcome.stepId, 'master-key');
  } finally {
    t.cleanup();
  }
});

test.run();
