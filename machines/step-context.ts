// The StepContext a step's probe/apply/verify receives: every statement goes through `sql`, which
// audits it (masked) with the server and its result or error number, and honours the step signal.

import type { ProbeResult, StepContext, StepDefinition } from './procedure.js';
import type { RunRuntime } from './run-runtime.js';
import { Interrupted, StepTimedOut, summarizeError, type StepPhase } from './errors.js';
import { changesServer } from './statement-kind.js';

/** The T-SQL a step's intent names: its plan, masked. */
export function plannedSql(step: StepDefinition): string | undefined {
  const planned = step.plan();
  return planned.length ? planned.map((p) => p.tsql.masked).join('\n') : undefined;
}

/** The role each server was last seen in, per run: a role event only when it changes. */
const lastRoles = new WeakMap<RunRuntime, Map<string, string | null>>();

export function stepContext(rt: RunRuntime, step: StepDefinition, attempt: number, signal: AbortSignal, phase: StepPhase): StepContext {
  let named: string | undefined;
  return {
    runId: rt.runId,
    stepId: step.id,
    attempt,
    signal,
    pollMs: rt.pace.pollMs,
    sql: async (target, statement) => {
      const targets = rt.targets();
      const server = targets.serverName(target);
      const base = { kind: 'statement' as const, runId: rt.runId, stepId: step.id, attempt, target, server: server ?? null, sql: statement.masked };
      if (target !== 'witness' && rt.holdOn && changesServer(statement.masked)) {
        // A partner that did not answer when the run started gets no change before the pair's
        // lock is this run's there too.
        const taken = await rt.holdOn(target);
        if (taken) {
          const text = `the pair's lock was taken on ${taken}, which answers again, before the first change sent to it`;
          rt.durability.record({ kind: 'note', runId: rt.runId, stepId: step.id, attempt, message: text });
          rt.emit({ type: 'note', stepId: step.id, text });
        }
      }
      // Announced once nothing can stop it being sent (a lock another run holds there would).
      rt.emit({ type: 'statement', stepId: step.id, target, ...(server ? { server } : {}), sql: statement.masked });
      if (phase === 'apply' && changesServer(statement.masked) && !(named ??= plannedSql(step) ?? '').includes(statement.masked)) {
        // Built from what the apply read (a partner's certificate bytes, someone else's log backup),
        // so the intent does not name it: durable before it is sent, or a crash now would leave a
        // statement the server ran and the audit never saw.
        rt.durability.record({ ...base, result: 'sending' });
        rt.durability.settle();
      }
      try {
        const result = await targets.query(target, statement, signal);
        rt.durability.record({ ...base, result: 'ok', data: { rowsAffected: result.rowsAffected } });
        return result;
      } catch (error) {
        const e = summarizeError(error);
        rt.durability.record({ ...base, result: 'error', errorNumber: e.number ?? null, message: e.message });
        throw error;
      }
    },
    progress: (update) => rt.emit({ type: 'progress', stepId: step.id, ...update }),
    sawRole: (target, seen) => {
      const server = rt.targets().serverName(target);
      const role = seen === 'PRINCIPAL' ? 'principal' : seen === 'MIRROR' ? 'mirror' : null;
      const roles = lastRoles.get(rt) ?? new Map<string, string | null>();
      lastRoles.set(rt, roles);
      const key = server ?? target;
      if (roles.has(key) && roles.get(key) === role) return;
      roles.set(key, role);
      rt.emit({ type: 'role', stepId: step.id, target, ...(server ? { server } : {}), role });
    },
    note: (text) => {
      rt.durability.record({ kind: 'note', runId: rt.runId, stepId: step.id, attempt, message: text });
      rt.emit({ type: 'note', stepId: step.id, text });
    },
  };
}

/** Runs one of a step's functions under the run's interrupt signal and a time limit: the step's
 * timeout for its apply; for its probe and verify, which only read, at most the read limit. A step
 * that ignores its signal is still let go of (the outcome is then recorded as aborted, and a
 * resume probes before doing anything). */
export async function callStep<T>(rt: RunRuntime, step: StepDefinition, attempt: number, phase: StepPhase, fn: (ctx: StepContext) => Promise<T>): Promise<T> {
  const limitMs = phase === 'apply' ? step.timeoutMs : Math.min(step.timeoutMs ?? Infinity, rt.pace.readLimitMs);
  const translate = (): Error => (rt.signal.aborted ? new Interrupted(String(rt.signal.reason)) : new StepTimedOut(step.id, limitMs ?? 0, phase));
  if (rt.signal.aborted) throw translate();
  // A signal of its own per call (what the step's statements listen to is let go with it), linked
  // by hand: AbortSignal.any costs more than the rest of a step's overhead.
  const controller = new AbortController();
  const { signal } = controller;
  const abort = (): void => controller.abort();
  rt.signal.addEventListener('abort', abort, { once: true });
  const timer = limitMs === undefined ? undefined : setTimeout(abort, limitMs);
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(translate()), { once: true });
  });
  aborted.catch(() => {});
  try {
    return await Promise.race([fn(stepContext(rt, step, attempt, signal, phase)), aborted]);
  } catch (error) {
    if (signal.aborted) throw translate();
    throw error;
  } finally {
    clearTimeout(timer);
    rt.signal.removeEventListener('abort', abort);
  }
}

export function probeDetail(result: ProbeResult): string {
  return result.detail ?? (result.done ? 'already in place' : 'not in place');
}
