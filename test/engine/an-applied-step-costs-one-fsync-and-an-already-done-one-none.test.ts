import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { startRun } from '../../machines/engine.js';
import { commandLineOperator } from '../../machines/operators.js';
import type { ProcedureDefinition, StepDefinition, Tsql } from '../../machines/procedure.js';
import type { Store } from '../../store/types.js';

const tsql = (text: string): Tsql => ({ masked: text, reveal: () => text });

/** Logs each commit, "fsync" when it is synchronous (durable on return) and "commit" when it is
 * not: a top-level store transaction (sync unless it says sync: false), or a writing store call
 * outside one (always synchronous). */
function logCommits(store: Store, log: string[]): void {
  let depth = 0;
  const transaction = store.transaction.bind(store);
  (store as { transaction: Store['transaction'] }).transaction = (fn, options) => {
    depth++;
    try {
      return transaction(fn, options);
    } finally {
      if (--depth === 0) log.push(options?.sync === false ? 'commit' : 'fsync');
    }
  };
  const writers: [keyof Store, string][] = [
    ['runs', 'create'],
    ['runs', 'setStatus'],
    ['journal', 'intent'],
    ['journal', 'outcome'],
    ['journal', 'step'],
    ['snapshots', 'save'],
    ['audit', 'append'],
    ['locks', 'acquire'],
    ['locks', 'release'],
  ];
  for (const [group, method] of writers) {
    const target = store[group] as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = target[method]!.bind(target);
    target[method] = (...args: unknown[]) => {
      const outermost = depth === 0;
      try {
        return original(...args);
      } finally {
        if (outermost) log.push('fsync');
      }
    };
  }
}

test('an applied step costs 1 fsync (its intent), an already-done one none, the run end 1; probe records are committed before the apply', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-commits-'));
  const path = join(dir, 'state.db');
  const store = openStore(path);
  const applied = new Set<string>(['already']);
  const seenByAnotherConnection: string[] = [];
  const step = (id: string): StepDefinition => ({
    id,
    title: id,
    target: 'principal',
    probe: async (ctx) => {
      await ctx.sql('principal', tsql(`SELECT ${id}`));
      return { done: applied.has(id) };
    },
    apply: async (ctx) => {
      const reader = openStore(path, { readonly: true });
      try {
        const audit = reader.audit.forRun(ctx.runId).filter((a) => a.stepId === id);
        seenByAnotherConnection.push(
          `${id}: ${audit.map((a) => `${a.kind}${a.sql ? ` ${a.sql}` : ''}`).join(', ')}; in doubt ${reader.journal.inDoubt(ctx.runId).length}`,
        );
      } finally {
        reader.close();
      }
      await ctx.sql('principal', tsql(`APPLY ${id}`));
      applied.add(id);
    },
    verify: async (ctx) => {
      await ctx.sql('principal', tsql(`SELECT ${id}`));
      return { done: applied.has(id) };
    },
    plan: () => [{ target: 'principal', tsql: tsql(`APPLY ${id}`) }],
  });
  const definition: ProcedureDefinition = { name: 'commits', title: 'commits', steps: [step('first'), step('already'), step('last')] };
  const log: string[] = [];
  logCommits(store, log);
  try {
    const result = await startRun({
      store,
      procedure: {
        definition,
        pairKey: 'A+B',
        targets: () => ({ serverName: () => 'PRI', query: async () => ({ recordsets: [], rowsAffected: [1] }), close: async () => {} }),
        onCheckpoint: (label) => log.push(label),
      },
      operator: commandLineOperator({ name: 'test', yes: true }),
      who: { operator: 'test', osUser: 'test', host: 'test' },
      signal: new AbortController().signal,
      listener: (e) => {
        if (e.type === 'run-started') log.push('start');
        if (e.type === 'run-finished') log.push('end');
      },
      resumeCommand: (id) => id,
    });
    assert.is(result.status, 'done');
    // Each commit's labels follow it; an fsync is named by its first label.
    const during = log.slice(log.indexOf('start'), log.indexOf('end'));
    const fsyncs = during.flatMap((entry, i) => (entry === 'fsync' ? [during[i + 1] ?? 'the run end'] : []));
    assert.equal(fsyncs, ['intent:first', 'intent:last', 'the run end'], `one per applied step and the run's end: ${during.join(' ')}`);
    const committed = during.filter((l) => /^(outcome|step):/.test(l));
    assert.equal(
      committed,
      ['outcome:first', 'step:first:done', 'step:already:already-done', 'outcome:last', 'step:last:done'],
      'every outcome and final state is committed',
    );
    assert.equal(seenByAnotherConnection, [
      'first: statement SELECT first, probe, intent APPLY first; in doubt 1',
      'last: statement SELECT last, probe, intent APPLY last; in doubt 1',
    ]);
    const kinds = store.audit
      .forRun(result.runId)
      .filter((a) => a.stepId === 'first')
      .map((a) => `${a.kind}${a.sql ? ` ${a.sql}` : ''}`);
    assert.equal(kinds, [
      'statement SELECT first',
      'probe',
      'intent APPLY first',
      'statement APPLY first',
      'outcome',
      'statement SELECT first',
      'probe',
      'step',
    ]);
    assert.ok(store.audit.verify().ok);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
