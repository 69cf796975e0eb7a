// What the run view shows, as a pure function of the engine events and the operator's prompts.
// The Ink components only render this; tests drive it without a terminal.

import type { EngineEvent, ErrorSummary, StepStatus } from '../machines/events.js';
import type { Target } from '../machines/procedure.js';
import { onlyReads } from '../machines/statement-kind.js';
import { MARK } from '../preflight/render.js';

export interface StepView {
  id: string;
  title: string;
  target: Target;
  manual: boolean;
  destructive: boolean;
  status: StepStatus;
  attempt: number;
  startedAt?: number;
  ms?: number;
  server?: string;
  detail?: string;
  error?: ErrorSummary;
  /** Finished before this process resumed the run (the engine continues in order). */
  earlier?: boolean;
  /** Where its last change went: a step on "the partner that serves" may act on either. */
  changedOn?: string;
}

export type Choice = 'retry' | 'skip' | 'abort';

export type Prompt =
  | { kind: 'manual'; stepId: string; title: string; instructions: string }
  | { kind: 'destructive'; stepId: string; title: string; expected: string; consequences: string; typed: string; refused?: string }
  | { kind: 'failure'; stepId: string; title: string; error: ErrorSummary; choices: Choice[] }
  /** A skip: the step's id typed to confirm (`confirmed`), then the reason that goes to the audit. */
  | { kind: 'skip'; stepId: string; title: string; expected: string; typed: string; refused?: string; confirmed: boolean };

/** What the operator answers: go ahead or stop, a failure choice, or a skip's reason. */
export type Answer = boolean | Choice | string;

export interface Header {
  procedure: string;
  pair: string;
  runId: string;
  operator: string;
  resumed: boolean;
}

export interface Live {
  stepId: string;
  server?: string;
  sql?: string;
  progress?: { percent?: number; label?: string };
}

export interface Finished {
  status: 'done' | 'failed' | 'interrupted' | 'needs-operator' | 'aborted';
  exitCode: number;
  /** Steps the operator skipped: the run is done but not a clean success. */
  skipped?: string[];
  resumeCommand?: string;
  error?: ErrorSummary;
  at: number;
}

/** What <Static> prints once, in the order it happened (append-only). */
/** A note is cut to one line, except a preflight row (`whole`): its hint is what the operator acts on. */
export type Printed = { kind: 'step'; id: string } | { kind: 'note'; stepId?: string; text: string; whole?: true };

export interface RunViewState {
  header?: Header;
  startedAt?: number;
  steps: StepView[];
  printed: Printed[];
  live?: Live;
  prompt?: Prompt;
  finished?: Finished;
  interrupting?: string;
  /** Each server's role as configured (statements name their target) and as a read last found it
   * (a role event) — after a failover the configured mirror is the principal. */
  roles: Record<string, { configured?: string; now?: 'principal' | 'mirror' | null }>;
}

export const initialRunViewState: RunViewState = { steps: [], printed: [], roles: {} };

export type RunViewAction =
  | { type: 'event'; event: EngineEvent }
  | { type: 'prompt'; prompt: Prompt | undefined }
  | { type: 'typed'; text: string; refused?: string }
  | { type: 'skip-confirmed' }
  | { type: 'interrupting'; signal: string };

const time = (ts: string): number => Date.parse(ts);

function updateStep(state: RunViewState, stepId: string, change: (step: StepView) => StepView): StepView[] {
  return state.steps.map((s) => (s.id === stepId ? change(s) : s));
}

export function reduceRunView(state: RunViewState, action: RunViewAction): RunViewState {
  switch (action.type) {
    case 'prompt':
      return action.prompt ? { ...state, prompt: action.prompt } : withoutPrompt(state);
    case 'typed':
      return state.prompt?.kind === 'destructive' || state.prompt?.kind === 'skip'
        ? { ...state, prompt: { ...state.prompt, typed: action.text, refused: action.refused } }
        : state;
    case 'skip-confirmed':
      return state.prompt?.kind === 'skip' ? { ...state, prompt: { ...state.prompt, typed: '', confirmed: true } } : state;
    case 'interrupting':
      return { ...state, interrupting: action.signal };
    case 'event':
      return reduceEvent(state, action.event);
  }
}

function withoutPrompt(state: RunViewState): RunViewState {
  const { prompt: _dropped, ...rest } = state;
  return rest;
}

function reduceEvent(state: RunViewState, event: EngineEvent): RunViewState {
  switch (event.type) {
    case 'run-started': {
      const previous = new Map(state.steps.map((s) => [s.id, s]));
      return {
        ...state,
        header: { procedure: event.procedure, pair: event.pair, runId: event.runId, operator: event.operator, resumed: event.resumed },
        startedAt: time(event.ts),
        steps: event.steps.map((s) => previous.get(s.id) ?? { ...s, status: 'pending', attempt: 0 }),
      };
    }
    case 'step-started': {
      const index = state.steps.findIndex((s) => s.id === event.stepId);
      const earlier = state.header?.resumed ? state.steps.filter((s, i) => i < index && s.status === 'pending').length : 0;
      const steps = state.steps.map((s, i) => (earlier && i < index && s.status === 'pending' ? { ...s, status: 'done' as const, earlier: true } : s));
      return {
        ...state,
        ...(earlier ? { printed: [...state.printed, { kind: 'note' as const, text: `${earlier} step(s) finished before this resume` }] } : {}),
        steps: steps.map((s) =>
          s.id === event.stepId
            ? {
                ...s,
                status: 'running' as const,
                attempt: event.attempt,
                startedAt: s.startedAt ?? time(event.ts),
                ...(event.server ? { server: event.server } : {}),
              }
            : s,
        ),
        live: { stepId: event.stepId, ...(event.server ? { server: event.server } : {}) },
      };
    }
    case 'statement': {
      // A BACKUP polled for its progress stays on screen: a read does not replace the change in flight.
      const shown = state.live?.stepId === event.stepId ? state.live.sql : undefined;
      const reads = onlyReads(event.sql);
      const sql = shown !== undefined && !onlyReads(shown) && reads ? shown : event.sql;
      const server = event.server;
      return {
        ...state,
        ...(server ? { roles: { ...state.roles, [server]: { ...state.roles[server], configured: event.target } } } : {}),
        ...(server && !reads ? { steps: updateStep(state, event.stepId, (s) => ({ ...s, changedOn: server })) } : {}),
        live: { ...state.live, stepId: event.stepId, ...(server ? { server } : {}), sql },
      };
    }
    case 'role':
      return event.server ? { ...state, roles: { ...state.roles, [event.server]: { configured: event.target, now: event.role } } } : state;
    case 'progress':
      return {
        ...state,
        live: {
          ...state.live,
          stepId: event.stepId,
          progress: { ...(event.percent !== undefined ? { percent: event.percent } : {}), ...(event.label !== undefined ? { label: event.label } : {}) },
        },
      };
    case 'step-probed':
      return { ...state, steps: updateStep(state, event.stepId, (s) => ({ ...s, ...(event.detail ? { detail: event.detail } : {}) })) };
    case 'preflight':
      return {
        ...state,
        printed: [
          ...state.printed,
          ...event.findings
            .filter((f) => f.verdict !== 'ok')
            .map((f) => ({
              kind: 'note' as const,
              whole: true as const,
              text: `${MARK[f.verdict]} ${f.check} ${f.server}: ${f.found}${f.hint ? ` — ${f.hint}` : ''}`,
            })),
        ],
      };
    case 'note':
      return { ...state, printed: [...state.printed, { kind: 'note', ...(event.stepId ? { stepId: event.stepId } : {}), text: event.text }] };
    case 'manual-required':
    case 'confirm-required':
      return { ...state, steps: updateStep(state, event.stepId, (s) => ({ ...s, status: 'waiting' })) };
    case 'step-finished': {
      const steps = updateStep(state, event.stepId, (s) => {
        const { error: _previous, ...rest } = s;
        return {
          ...rest,
          status: event.status,
          ms: event.ms,
          ...(event.detail ? { detail: event.detail } : {}),
          ...(event.error ? { error: event.error } : {}),
        };
      });
      // A failed step may be retried: only what is final goes to the printed-once list.
      const final = event.status !== 'failed';
      const printed = final && !isPrinted(state, event.stepId) ? [...state.printed, { kind: 'step' as const, id: event.stepId }] : state.printed;
      return { ...state, steps, printed, ...(state.live?.stepId === event.stepId ? { live: undefined } : {}) };
    }
    case 'run-finished': {
      const finished: Finished = {
        status: event.status,
        exitCode: event.exitCode,
        at: time(event.ts),
        ...(event.skipped ? { skipped: event.skipped } : {}),
        ...(event.resumeCommand ? { resumeCommand: event.resumeCommand } : {}),
        ...(event.error ? { error: event.error } : {}),
      };
      const { live: _live, ...rest } = state;
      return { ...rest, finished };
    }
  }
}

function isPrinted(state: RunViewState, stepId: string): boolean {
  return state.printed.some((p) => p.kind === 'step' && p.id === stepId);
}

/** Steps not yet printed, in procedure order. */
export function unfinishedSteps(state: RunViewState): StepView[] {
  return state.steps.filter((s) => !s.earlier && !isPrinted(state, s.id));
}

/** A server named by its role now, as a read found it ("principal SQLMIR01" after a failover); until
 * one did, or while it is in no session, by the role the config gives it, said as such. */
export function serverLabel(state: RunViewState, server: string, configured: string): string {
  const known = state.roles[server];
  const role = known?.configured ?? configured;
  if (known?.now) return `${known.now} ${server}`;
  return role === 'witness' ? `witness ${server}` : `${server} (configured ${role})`;
}

export function stepById(state: RunViewState, id: string): StepView | undefined {
  return state.steps.find((s) => s.id === id);
}
