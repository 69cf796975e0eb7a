// A disk that fills up during a run is its own failure, not bad usage: the run stops interrupted
// with its resume command (exit 6). Whether the disk frees up before the run's end is committed or
// stays full, the store does not say `running` or `failed`, and `resume` continues the run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, StoreError } from '../../store/index.js';
import { resumeRun, startRun, type RunOptions } from '../../machines/engine.js';
import { commandLineOperator } from '../../machines/operators.js';
import type { ProcedureDefinition, StepDefinition, Tsql } from '../../machines/procedure.js';
import type { Store } from '../../store/types.js';

const tsql = (text: string): Tsql => ({ masked: text, reveal: () => text });

/** Durable commits fail with SQLite's "database or disk is full" while `full()` says so. */
function fillsUp(store: Store, full: () => boolean): void {
  const transaction = store.transaction.bind(store);
  (store as { transaction: Store['transaction'] }).transaction = (fn, options) => {
    if (full())
      throw new StoreError('disk-full', `the disk holding the store ${store.path} is full (database or disk is full)`, 'free space on that file system');
    return transaction(fn, options);
  };
}

/** The disk fills up in step `fullFrom`'s apply: for one commit only ('once'), or for good ('stays'). */
function setup(fullFrom: string, mode: 'once' | 'stays') {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-full-'));
  const store = openStore(join(dir, 'state.db'));
  const applied = new Set<string>();
  let full = false;
  const step = (id: string): StepDefinition => ({
    id,
    title: id,
    target: 'principal',
    probe: async () => ({ done: applied.has(id) }),
    apply: async () => {
      applied.add(id);
      if (id === fullFrom) full = true;
    },
    verify: async () => ({ done: applied.has(id) }),
    plan: () => [{ target: 'principal', tsql: tsql(`APPLY ${id}`) }],
  });
  fillsUp(store, () => {
    if (!full) return false;
    if (mode === 'once') full = false;
    return true;
  });
  const definition: ProcedureDefinition = { name: 'fills', title: 'fills', steps: [step('one'), step('two'), step('three')] };
  const options: Omit<RunOptions, 'procedure'> & { procedure: RunOptions['procedure'] } = {
    store,
    procedure: {
      definition,
      pairKey: 'A+B',
      targets: () => ({ serverName: () => 'PRI', query: async () => ({ recordsets: [], rowsAffected: [1] }), close: async () => {} }),
    },
    operator: commandLineOperator({ name: 'test', yes: true }),
    who: { operator: 'test', osUser: 'test', host: 'test' },
    signal: new AbortController().signal,
    resumeCommand: (id) => `mirrorbook resume ${id}`,
  };
  return {
    store,
    options,
    applied,
    free: () => {
      full = false;
    },
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('space back before the end is committed: interrupted, exit 6, the resume command; resume completes', async () => {
  const t = setup('two', 'once');
  try {
    const result = await startRun(t.options);
    assert.is(result.status, 'interrupted');
    assert.is(result.exitCode, 6);
    assert.match(result.error?.message ?? '', /is full/);
    assert.is(result.resumeCommand, `mirrorbook resume ${result.runId}`);
    const run = t.store.runs.get(result.runId)!;
    assert.is(run.status, 'interrupted');
    const resumed = await resumeRun({ ...t.options, run });
    assert.is(resumed.status, 'done');
    assert.equal([...t.applied].sort(), ['one', 'three', 'two']);
  } finally {
    t.cleanup();
  }
});

test('the disk stays full: a disk-full error (exit 6, not 2) whose hint is the resume command; the run is recorded interrupted', async () => {
  const t = setup('two', 'stays');
  try {
    const error = await startRun(t.options).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(error, StoreError);
    assert.is((error as StoreError).code, 'disk-full');
    assert.is((error as StoreError).exitCode, 6);
    const run = t.store.runs.list()[0]!;
    assert.match((error as StoreError).hint, `mirrorbook resume ${run.id}`);
    assert.is(run.status, 'interrupted');
    assert.is(run.exitCode, 6);
    assert.ok(t.store.audit.verify().ok);
  } finally {
    t.cleanup();
  }
});

test.run();
