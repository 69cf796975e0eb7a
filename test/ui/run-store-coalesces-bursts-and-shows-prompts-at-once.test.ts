import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRunStore } from '../../ui/run-store.js';
import { ev, STEPS } from './run-view-harness.js';

test('a burst of statements and progress is one redraw; the start, a prompt and the end redraw at once', async () => {
  const store = createRunStore({ frameMs: 20 });
  let redraws = 0;
  const unsubscribe = store.subscribe(() => {
    redraws++;
  });
  store.event(ev('run-started', { procedure: 'setup', pair: 'P', operator: 'dba', resumed: false, steps: STEPS }));
  assert.is(redraws, 1, 'run-started at once');
  for (let i = 0; i < 200; i++) store.event(ev('progress', { stepId: 'backup', percent: i / 2 }));
  assert.is(redraws, 1, 'no redraw per event');
  while (redraws < 2) await new Promise((r) => setImmediate(r));
  assert.is(store.getState().live?.progress?.percent, 99.5, 'the redraw shows the latest state');
  store.dispatch({ type: 'prompt', prompt: { kind: 'manual', stepId: 'service', title: 't', instructions: 'i' } });
  assert.is(redraws, 3, 'a question is shown at once');
  store.event(ev('step-started', { stepId: 'backup', attempt: 1, target: 'principal' }));
  store.event(ev('run-finished', { status: 'done', exitCode: 0 }));
  assert.is(redraws, 4, 'the end at once, taking the pending frame with it');
  unsubscribe();
});

test.run();
