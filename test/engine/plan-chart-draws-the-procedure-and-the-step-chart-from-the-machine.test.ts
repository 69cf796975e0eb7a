import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stepChart } from '../../machines/step-chart.js';
import { chartMarkdown, stepChartMermaid } from '../../machines/chart.js';
import { Harness } from './cli-harness.js';

test('the step chart diagram has every state of the machine and every guard that decides', () => {
  const diagram = stepChartMermaid();
  const states = Object.keys((stepChart.config.states as Record<string, { states?: object }>).step!.states!);
  assert.equal(states.sort(), ['acting', 'apply', 'backoff', 'confirm', 'failed', 'failing', 'manual', 'next', 'parked', 'probe', 'verify']);
  for (const state of states) assert.match(diagram, new RegExp(`^  ${state} --> `, 'm'), state);
  for (const guard of ['stepIsManual', 'stepIsDestructive', 'retryAllowed', 'hasNextStep', 'not-done', 'unconfirmed', 'in-place'])
    assert.ok(diagram.includes(`: ${guard}`), guard);
  assert.match(diagram, /^ {2}apply --> confirm: unconfirmed$/m, 'an attempt in doubt of a destructive step is confirmed again');
  assert.match(diagram, /^ {2}parked --> probe: RESUME$/m);
});

test('the procedure diagram lists the steps in order, marking the ones that wait for a person', () => {
  const markdown = chartMarkdown({
    name: 'p',
    title: 'A "quoted" title',
    steps: [
      { id: 'a', title: 'First', target: 'principal', manual: false, destructive: false, statements: [] },
      { id: 'b', title: 'Second', target: 'operator', manual: true, destructive: false, statements: [] },
    ],
  });
  assert.match(markdown, /start --> s1\n.*\n {2}s1 --> s2/);
  assert.match(markdown, /s2\{\{"2\. Second<br\/>b on operator<br\/>MANUAL"\}\}/);
  assert.ok(markdown.includes('#quot;quoted#quot;'), 'quotes cannot end a label');
  assert.is(markdown.match(/```mermaid/g)?.length, 2, 'the procedure, and the step chart once');
});

test('mirrorbook plan <procedure> --chart prints both diagrams and connects to nothing', async () => {
  const h = await Harness.bundled();
  try {
    const out = await h.run(['plan', 'ledger', '--chart']);
    assert.is(out.code, 0, out.stderr);
    assert.match(out.stdout, /flowchart TD/);
    assert.match(out.stdout, /stateDiagram-v2/);
    assert.match(out.stdout, /drop-old-session on mirror<br\/>DESTRUCTIVE/);
    assert.equal(h.ledger(), []);
  } finally {
    h.cleanup();
  }
});

test.run();
