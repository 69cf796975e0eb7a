// The journal rule, checked against an instrumented store: every effect (an apply's statements, a
// manual step's wait for the operator) starts only after the synchronous commit of an intent for
// that step — fresh runs, retries, and a resume that finds an attempt in doubt and asks again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { resumeRun, startRun } from '../../machines/engine.js';
import type { Operator, ProcedureDefinition, StepDefinition, Tsql } from '../../machines/procedure.js';
import type { Store } from '../../store/types.js';

const tsql = (text: string): Tsql => ({ masked: text, reveal: () => text });

/** Logs "intent:<step>" when an intent is written and "durable" when the commit holding it returns. */
function instrument(store: Store, log: string[]): void {
  let depth = 0;
  let pending: string[] = [];
  const transaction = store.transaction.bind(store);
  (store as { transaction: Store['transaction'] }).transaction = (fn, options) => {
    depth++;
    try {
      return transaction(fn, options);
    } finally {
      if (--depth === 0) {
        log.push(...pending);
        if (pending.length) log.push(options?.sync === false ? 'not durable' : 'durable');
        pending = [];
      }
    }
  };
  const intent = store.journal.intent.bind(store.journal);
  store.journal.intent = (e) => {
    const id = intent(e);
    if (depth === 0) log.push(`intent:${e.stepId}`, 'durable');
    else pending.push(`intent:${e.stepId}`);
    return id;
  };
}

/** The problems: effects not preceded by a durable intent of their step since the previous effect. */
function effectsBeforeIntents(log: string[]): string[] {
  const problems: string[] = [];
  let durable = new Set<string>();
  let written: string[] = [];
  for (const entry of log) {
    if (entry.startsWith('intent:')) written.push(entry.slice(7));
    else if (entry === 'durable') {
      for (const s of written) durable.add(s);
      written = [];
    } else if (entry === 'not durable') written = [];
    else if (entry.startsWith('effect:')) {
      const step = entry.slice(7);
      if (!durable.has(step)) problems.push(`${entry} at #${log.indexOf(entry)} without a durable intent: ${log.join(' ')}`);
      durable = new Set();
    }
  }
  return problems;
}

function procedure(log: string[], state: { applied: Set<string>; failures: number; hang?: AbortSignal }): ProcedureDefinition {
  const step = (id: string, extra: Partial<StepDefinition> = {}): StepDefinition => ({
    id,
    title: id,
    target: 'principal',
    probe: async () => ({ done: state.applied.has(id) }),
    apply: async (ctx) => {
      log.push(`effect:${id}`);
      if (id === 'flaky' && state.failures-- > 0) throw Object.assign(new Error('transient'), { number: 1418 });
      if (id === 'drop' && state.hang) {
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      }
      await ctx.sql('principal', tsql(`APPLY ${id}`));
      state.applied.add(id);
    },
    verify: async () => ({ done: state.applied.has(id) }),
    plan: () => [{ target: 'principal', tsql: tsql(`APPLY ${id}`) }],
    ...extra,
  });
  return {
    name: 'effects',
    title: 'effects',
    steps: [
      step('first'),
      step('flaky', { retry: { attempts: 3, backoffMs: 1 } }),
      step('manual', { manual: { instructions: 'do it by hand' }, apply: async () => {} }),
      step('drop', { destructive: { confirmText: 'Patriot', consequences: 'the copy is replaced' } }),
    ],
  };
}

function operator(log: string[], state: { applied: Set<string> }): Operator {
  return {
    name: 'test',
    confirmManual: async () => {
      log.push('effect:manual');
      state.applied.add('manual');
      return true;
    },
    confirmDestructive: async (step) => {
      log.push(`asked:${step.id}`);
      return true;
    },
    onFailure: async () => 'abort',
    confirmSkip: async () => undefined,
  };
}

test('every effect follows a durable intent of its step: a run with a retry, a manual and a destructive step, then a resume of an attempt left in doubt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-effects-'));
  const path = join(dir, 'state.db');
  const log: string[] = [];
  const interrupt = new AbortController();
  const state: { applied: Set<string>; failures: number; hang?: AbortSignal } = { applied: new Set(), failures: 1, hang: interrupt.signal };
  const base = {
    operator: operator(log, state),
    who: { operator: 'test', osUser: 'test', host: 'test' },
    resumeCommand: (id: string) => id,
  };
  const targets = () => ({ serverName: () => 'PRI', query: async () => ({ recordsets: [], rowsAffected: [1] }), close: async () => {} });
  try {
    let store = openStore(path);
    instrument(store, log);
    // As if the process died during the apply of 'drop': its outcome never reaches the store.
    const intent = store.journal.intent.bind(store.journal);
    const outcome = store.journal.outcome.bind(store.journal);
    let dropIntent = 0;
    store.journal.intent = (e) => {
      const id = intent(e);
      if (e.stepId === 'drop') dropIntent = id;
      return id;
    };
    store.journal.outcome = (e) => {
      if (e.intentId !== dropIntent) outcome(e);
    };
    const first = await startRun({
      ...base,
      store,
      signal: interrupt.signal,
      procedure: { definition: procedure(log, state), pairKey: 'A+B', targets },
      listener: (e) => {
        if (e.type === 'step-started' && e.stepId === 'drop') setTimeout(() => interrupt.abort('SIGINT'), 20);
      },
    });
    assert.is(first.status, 'interrupted');
    store.close();

    store = openStore(path);
    instrument(store, log);
    delete state.hang;
    const run = store.runs.get(first.runId)!;
    const resumed = await resumeRun({
      ...base,
      store,
      run,
      signal: new AbortController().signal,
      procedure: { definition: procedure(log, state), pairKey: 'A+B', targets },
    });
    assert.is(resumed.status, 'done');
    assert.equal(
      log.filter((l) => l.startsWith('effect:')),
      ['effect:first', 'effect:flaky', 'effect:flaky', 'effect:manual', 'effect:drop', 'effect:drop'],
    );
    assert.equal(effectsBeforeIntents(log), []);
    assert.is(log.filter((l) => l === 'asked:drop').length, 2, 'the destructive step in doubt is confirmed again before it is sent again');
    assert.is(store.journal.inDoubt(run.id).length, 0);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the check itself catches an effect that comes before its intent is durable', () => {
  assert.is(effectsBeforeIntents(['intent:a', 'effect:a']).length, 1, 'written but not yet committed');
  assert.is(effectsBeforeIntents(['intent:a', 'not durable', 'effect:a']).length, 1, 'committed without an fsync');
  assert.is(effectsBeforeIntents(['intent:a', 'durable', 'effect:b']).length, 1, 'another step');
  assert.is(effectsBeforeIntents(['intent:a', 'durable', 'effect:a', 'effect:a']).length, 1, 'a second effect on one intent');
  assert.is(effectsBeforeIntents(['intent:a', 'durable', 'effect:a']).length, 0);
});

test.run();
