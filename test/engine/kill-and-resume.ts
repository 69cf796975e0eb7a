// Kill the CLI with SIGKILL at a named boundary, resume it, and compare with an uninterrupted run:
// same ledger (no effect applied twice), every step done, no intent in doubt, audit chain intact
// and complete. Shared by the kill-at-every-boundary tests (split so each stays within its time).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from './cli-harness.js';

const RUN = ['run', 'ledger', '--yes', '--confirm', 'Patriot'];
const RESUME = ['resume', '--yes', '--confirm', 'Patriot'];
export const EXPECTED_LEDGER = ['LABPRI create-master-key', 'LABMIR drop-old-session', 'LABMIR create-endpoint', 'LABPRI grant-connect'];

export interface EndState {
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

/** An uninterrupted run: its end state and every boundary it passed, in order ("label#n"). */
export async function uninterrupted(): Promise<{ baseline: EndState; boundaries: string[] }> {
  const h = await Harness.bundled();
  try {
    const trace = join(h.dir, 'trace');
    const exit = await h.run(RUN, { MB_FIXTURE_TRACE: trace });
    if (exit.code !== 0) throw new Error(`uninterrupted run exited ${exit.code}: ${exit.stderr}`);
    return { baseline: endState(h), boundaries: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
  } finally {
    h.cleanup();
  }
}

/** Undefined when the interrupted-and-resumed run matches `baseline`; otherwise what differs. */
export async function killAndResume(label: string, baseline: EndState): Promise<string | undefined> {
  const h = await Harness.bundled();
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
      if (!verification.ok) return `${label}: audit chain broken at #${verification.firstBad.seq} (${verification.firstBad.problem})`;
      const audit = store.audit.forRun(run.id);
      const kinds = new Set(audit.map((a) => a.kind));
      for (const kind of ['run-start', 'resume', 'intent', 'outcome', 'run-end'] as const) if (!kinds.has(kind)) return `${label}: no ${kind} audit record`;
      const intents = store.journal.forRun(run.id).length;
      if (audit.filter((a) => a.kind === 'intent').length !== intents) return `${label}: ${intents} intents but not as many intent audit records`;
      if (audit.filter((a) => a.kind === 'outcome').length !== intents) return `${label}: ${intents} intents but not as many outcome audit records`;
      // Statement records ride in the outcome's commit: an apply recorded ok has its statement audited.
      for (const ok of audit.filter((a) => a.kind === 'outcome' && a.result === 'ok' && a.target !== 'operator')) {
        const sent = audit.some(
          (a) => a.kind === 'statement' && a.stepId === ok.stepId && a.attempt === ok.attempt && a.result === 'ok' && a.sql?.startsWith('APPLY '),
        );
        if (!sent) return `${label}: the applied statement of ${ok.stepId} attempt ${ok.attempt} is not audited`;
      }
      for (const line of state.ledger) {
        const [server, fact] = line.split(' ');
        if (!audit.some((a) => a.kind === 'intent' && a.server === server && a.sql?.startsWith(`APPLY ${fact}`)))
          return `${label}: ${line} applied without an intent naming its statement`;
      }
      return undefined;
    });
  } finally {
    h.cleanup();
  }
}

/** Runs killAndResume for every label, a few at a time; returns the problems found. */
export async function killAtEach(labels: string[], baseline: EndState): Promise<string[]> {
  const problems: string[] = [];
  const queue = [...labels];
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let label = queue.shift(); label; label = queue.shift()) {
        const problem = await killAndResume(label, baseline);
        if (problem) problems.push(problem);
      }
    }),
  );
  return problems;
}

/** The index of the first boundary of a step: boundaries before it belong to the earlier steps. */
export function firstBoundaryOf(boundaries: string[], stepIndex: number): number {
  const index = boundaries.findIndex((b) => b.startsWith(`checkpoint:{"s${stepIndex}":`));
  if (index === -1) throw new Error(`no boundary of step ${stepIndex}`);
  return index;
}
