// `plan` against the live pair, like `terraform plan`: every step's probe is asked (reads only —
// a probe that would send anything but a read is stopped here, by the one statement classifier)
// and the step is marked already done, will change, or blocked by the preflight checks that are ✗
// and concern it (its server, its database, what it needs: preflight/concerns.ts). A run starts
// only when no check is ✗ at all; `blocking` lists them all.
import type { Finding } from '../preflight/check.js';
import { concerns } from '../preflight/concerns.js';
import type { LoadedProcedure } from './procedure-source.js';
import type { StepContext } from './procedure.js';
import type { Pace } from './pace.js';
import { changesServer } from './statement-kind.js';

export interface LiveMark {
  state: 'already-done' | 'will-change' | 'blocked';
  detail: string;
  /** The ✗ preflight checks that concern this step, as "check (server)" (blocked only; empty when
   * its own probe failed and no ✗ check concerns it). */
  checks?: string[];
}

export interface LivePlan {
  marks: LiveMark[];
  blocking: Finding[];
}

export async function livePlan(procedure: LoadedProcedure, pace: Pace): Promise<LivePlan> {
  const findings = (await procedure.preflight?.(true)) ?? [];
  const blocking = findings.filter((f) => f.verdict === 'fail');
  const targets = procedure.targets();
  const signal = new AbortController().signal;
  const marks: LiveMark[] = [];
  try {
    for (const step of procedure.definition.steps) {
      const ctx: StepContext = {
        runId: 'plan',
        stepId: step.id,
        attempt: 1,
        signal,
        pollMs: pace.pollMs,
        sql: async (target, statement) => {
          if (changesServer(statement.masked))
            throw new Error(`the probe of ${step.id} would send a change; not sent by plan: ${statement.masked.slice(0, 80)}`);
          return targets.query(target, statement, signal);
        },
        progress: () => {},
        note: () => {},
      };
      const checks = [...new Set(blocking.filter((f) => concerns(f, step)).map((f) => `${f.check} (${f.server})`))];
      let mark: LiveMark;
      try {
        const probed = await step.probe(ctx);
        mark = probed.done ? { state: 'already-done', detail: probed.detail ?? '' } : { state: 'will-change', detail: probed.detail ?? '' };
      } catch (error) {
        // A probe that cannot answer yet because an earlier step has not run (no database on the
        // mirror before the restore) is a change to come, not a block.
        const waiting = marks.some((m) => m.state !== 'already-done');
        mark = waiting
          ? { state: 'will-change', detail: `after the steps before it (${(error as Error).message})` }
          : { state: 'blocked', detail: (error as Error).message, checks };
      }
      if (mark.state === 'will-change' && checks.length) mark = { state: 'blocked', detail: mark.detail, checks };
      marks.push(mark);
    }
  } finally {
    await targets.close();
  }
  return { marks, blocking };
}
