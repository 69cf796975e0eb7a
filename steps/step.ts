// Shared shape of mirrorbook's steps: most apply one or more statements on one server and verify
// with the same read-only query that probes. Helpers here keep each step file about its SQL.
import type { PlannedStatement, ProbeResult, StepContext, StepDefinition, Target } from '../machines/procedure.js';
import type { Statement } from './tsql.js';
import { OperatorError } from '../errors/operator-error.js';

export type SqlTarget = Exclude<Target, 'operator'>;

/** A precondition that does not hold, or a state the step must not paper over: operator-facing. */
export class CheckFailedError extends OperatorError {
  declare readonly hint: string;
  /** `resumable: false` when the state found needs another procedure first, not a resume. */
  constructor(
    message: string,
    hint: string,
    readonly resumable?: false,
  ) {
    super(message, hint, 1);
    this.name = 'CheckFailedError';
  }
}

export async function rows<T = Record<string, unknown>>(ctx: StepContext, target: SqlTarget, statement: Statement): Promise<T[]> {
  const result = await ctx.sql(target, statement);
  const sets = result.recordsets.filter((set) => set.length > 0);
  return (sets[sets.length - 1] ?? []) as T[];
}

export async function firstRow<T = Record<string, unknown>>(ctx: StepContext, target: SqlTarget, statement: Statement): Promise<T | undefined> {
  return (await rows<T>(ctx, target, statement))[0];
}

export interface SqlStepSpec {
  id: string;
  title: string;
  target: SqlTarget;
  database?: string;
  statements: Statement[];
  probe(ctx: StepContext): Promise<ProbeResult>;
  verify?(ctx: StepContext): Promise<ProbeResult>;
  destructive?: StepDefinition['destructive'];
  retry?: StepDefinition['retry'];
  timeoutMs?: number;
}

/** A step whose apply sends `statements` in order to `target`, and whose verify is its probe. */
export function sqlStep(spec: SqlStepSpec): StepDefinition {
  return {
    id: spec.id,
    title: spec.title,
    target: spec.target,
    ...(spec.database !== undefined ? { database: spec.database } : {}),
    ...(spec.destructive ? { destructive: spec.destructive } : {}),
    ...(spec.retry ? { retry: spec.retry } : {}),
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    probe: spec.probe,
    async apply(ctx) {
      for (const statement of spec.statements) await ctx.sql(spec.target, statement);
    },
    verify: spec.verify ?? spec.probe,
    plan: (): PlannedStatement[] => spec.statements.map((tsql) => ({ target: spec.target, tsql })),
  };
}

/** Resolves after `ms`, or rejects when the step is aborted (Ctrl-C, timeout). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}
