import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { startRun } from '../../machines/engine.js';
import type { EngineEvent } from '../../machines/events.js';
import type { Operator } from '../../machines/procedure.js';
import { ledgerLines, load, resetFixture } from '../fixtures/runbooks/ledger.js';

function scriptedOperator(onFailure: 'retry' | 'skip' | 'abort', log: string[]): Operator {
  return {
    name: 'scripted',
    confirmManual: async (step) => {
      log.push(`manual:${step.id}`);
      return true;
    },
    confirmDestructive: async (step) => {
      log.push(`destructive:${step.id}`);
      return true;
    },
    onFailure: async (step, error, choices) => {
      log.push(`failure:${step.id}:${choices.join('/')}:${(error as { number?: number }).number}`);
      return onFailure;
    },
    confirmSkip: async (step) => {
      log.push(`skip:${step.id}`);
      return 'the endpoint was made by hand';
    },
  };
}

async function runInProcess(choice: 'retry' | 'skip' | 'abort', fail: string, skippable = '') {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-api-'));
  process.env.MB_FIXTURE_DIR = join(dir, 'fx');
  process.env.MB_FIXTURE_FAIL = fail;
  process.env.MB_FIXTURE_SKIPPABLE = skippable;
  resetFixture();
  const store = openStore(join(dir, 'state.db'));
  const events: EngineEvent[] = [];
  const log: string[] = [];
  try {
    const result = await startRun({
      store,
      procedure: await load(),
      operator: scriptedOperator(choice, log),
      who: { operator: 'api-test', osUser: 'tester', host: 'localhost' },
      signal: new AbortController().signal,
      listener: (e) => events.push(e),
      resumeCommand: (id) => `mirrorbook resume ${id}`,
    });
    return { result, events, log, ledger: ledgerLines(join(dir, 'fx')), audit: store.audit.forRun(result.runId) };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.MB_FIXTURE_FAIL;
    delete process.env.MB_FIXTURE_SKIPPABLE;
  }
}

test('events arrive in order and the operator is asked exactly what the steps need', async () => {
  const { result, events, log } = await runInProcess('abort', '');
  assert.is(result.status, 'done');
  assert.is(result.exitCode, 0);
  assert.is(events[0]!.type, 'run-started');
  assert.is(events[events.length - 1]!.type, 'run-finished');
  const finished = events.filter((e) => e.type === 'step-finished').map((e) => (e.type === 'step-finished' ? `${e.stepId}:${e.status}` : ''));
  assert.equal(finished, ['create-master-key:done', 'stop-patriot-services:done', 'drop-old-session:done', 'create-endpoint:done', 'grant-connect:done']);
  assert.equal(log, ['manual:stop-patriot-services', 'destructive:drop-old-session']);
  assert.ok(events.some((e) => e.type === 'manual-required'));
  assert.ok(events.some((e) => e.type === 'confirm-required' && e.expected === 'Patriot'));
});

test('a step that allows it may be skipped after a typed confirmation: audited with the reason, exit 5', async () => {
  const { result, events, log, ledger, audit } = await runInProcess('skip', 'create-endpoint:5', 'create-endpoint');
  assert.is(result.status, 'done');
  assert.is(result.exitCode, 5, 'a run that skipped a step is not a clean success');
  assert.ok(log.includes('failure:create-endpoint:retry/skip/abort:1418'));
  assert.ok(log.includes('skip:create-endpoint'), 'the skip was confirmed by the operator');
  assert.ok(audit.some((a) => a.kind === 'confirmation' && a.result === 'skip' && JSON.stringify(a.data).includes('the endpoint was made by hand')));
  const finished = events.find((e) => e.type === 'run-finished');
  assert.equal(finished?.type === 'run-finished' ? finished.skipped : undefined, ['create-endpoint']);
  assert.not.ok(ledger.some((l) => l.endsWith('create-endpoint')));
  assert.ok(ledger.some((l) => l.endsWith('grant-connect')));
});

test('a step that does not allow it is never skipped, whatever the operator answers', async () => {
  const { result, log, ledger, audit } = await runInProcess('skip', 'create-endpoint:5');
  assert.is(result.status, 'failed');
  assert.is(result.exitCode, 1);
  assert.ok(log.includes('failure:create-endpoint:retry/abort:1418'), 'skip is not offered');
  assert.not.ok(log.includes('skip:create-endpoint'));
  assert.ok(audit.some((a) => a.kind === 'confirmation' && a.result === 'skip-refused'));
  assert.not.ok(
    ledger.some((l) => l.endsWith('grant-connect')),
    'nothing after it ran',
  );
});

test('the operator may abort: the run stops failed with the error and a resume command', async () => {
  const { result, ledger } = await runInProcess('abort', 'create-endpoint:5');
  assert.is(result.status, 'failed');
  assert.is(result.exitCode, 1);
  assert.is(result.error?.number, 1418);
  assert.match(result.resumeCommand ?? '', /^mirrorbook resume /);
  assert.not.ok(ledger.some((l) => l.endsWith('grant-connect')));
});

test.run();
