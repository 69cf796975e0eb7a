import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from './cli-harness.js';

const RUN = ['run', 'ledger', '--yes', '--confirm', 'Patriot'];
const RESUME = ['resume', '--yes', '--confirm', 'Patriot'];

interface EndState {
  ledger: string[];
  steps: string[];
}

function endState(h: Harness): EndState {
  return {
    ledger: h.ledger(),
    steps: h.withStore((store) => {
      const run = store.runs.latest()!;
      const finished = new Map(store.journal.steps(run.id).map((s) => [s.stepId, s.status]));
      return run.definition.steps.map((s) => `${s.id}:${finished.get(s.id) === 'already-done' ? 'done' : finished.get(s.id)}`);
    }),
  };
}

let baseline: EndState;
let boundaries: string[] = [];

test('an uninterrupted run applies each step once and names every boundary', async () => {
  const h = new Harness();
  try {
    const trace = join(h.dir, 'trace');
    const exit = await h.run(RUN, { MB_FIXTURE_TRACE: trace });
    assert.is(exit.code, 0, exit.stderr);
    baseline = endState(h);
    assert.equal(baseline.ledger, ['LABPRI create-master-key', 'LABMIR drop-old-session', 'LABMIR create-endpoint', 'LABPRI grant-connect']);
    boundaries = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    for (const kind of ['checkpoint:', 'intent:', 'outcome:', 'step:', 'apply-before:', 'apply-after:']) {
      assert.ok(boundaries.some((b) => b.startsWith(kind)), `boundary kind ${kind} traced`);
    }
  } finally {
    h.cleanup();
  }
});

async function killAndResume(label: string): Promise<string | undefined> {
  const h = new Harness();
  try {
    await h.killAt(label, RUN);
    const resumed = await h.run(RESUME);
    if (resumed.code !== 0) return `${label}: resume exited ${resumed.code}\n${resumed.stdout}\n${resumed.stderr}`;
    const state = endState(h);
    if (JSON.stringify(state) !== JSON.stringify(baseline)) return `${label}: end state ${JSON.stringify(state)} differs from ${JSON.stringify(baseline)}`;
    return h.withStore((store) => {
      const run = store.runs.latest()!;
      if (run.status !== 'done') return `${label}: run status ${run.status}`;
      if (store.journal.inDoubt(run.id).length) return `${label}: intents left in doubt`;
      const verification = store.audit.verify();
      if (!verification.ok) return `${label}: audit chain broken at #${verification.firstBad.seq}`;
      const audit = store.audit.forRun(run.id);
      const kinds = new Set(audit.map((a) => a.kind));
      for (const kind of ['run-start', 'resume', 'intent', 'outcome', 'run-end'] as const) if (!kinds.has(kind)) return `${label}: no ${kind} audit record`;
      const intents = store.journal.forRun(run.id).length;
      if (audit.filter((a) => a.kind === 'intent').length !== intents) return `${label}: ${intents} intents but not as many intent audit records`;
      if (audit.filter((a) => a.kind === 'outcome').length !== intents) return `${label}: ${intents} intents but not as many outcome audit records`;
      return undefined;
    });
  } finally {
    h.cleanup();
  }
}

test('SIGKILL at every boundary, then resume: same end state, nothing applied twice, audit complete', async () => {
  assert.ok(boundaries.length >= 30, `only ${boundaries.length} boundaries`);
  const problems: string[] = [];
  const queue = [...boundaries];
  await Promise.all(Array.from({ length: 3 }, async () => {
    for (let label = queue.shift(); label; label = queue.shift()) {
      const problem = await killAndResume(label);
      if (problem) problems.push(problem);
    }
  }));
  assert.equal(problems, []);
});

test.run();
