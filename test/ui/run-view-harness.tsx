// Renders the run view on ink-testing-library's fake streams, with the store and the key-driven
// operator wired as ui/ink-run.tsx wires them.

import { render } from 'ink-testing-library';
import type { EngineEvent, StepSummary } from '../../machines/events.js';
import type { StepDefinition } from '../../machines/procedure.js';
import { createRunStore } from '../../ui/run-store.js';
import { inkOperator } from '../../ui/ink-operator.js';
import { RunView } from '../../ui/RunView.js';
import { ColorContext } from '../../ui/theme.js';

export const STEPS: StepSummary[] = [
  { id: 'backup', title: 'Full backup of Patriot', target: 'principal', manual: false, destructive: false, skippable: false },
  { id: 'service', title: 'Check the service account', target: 'mirror', manual: true, destructive: false, skippable: false },
  { id: 'overwrite', title: 'Overwrite Patriot on the mirror', target: 'mirror', manual: false, destructive: true, skippable: false },
  { id: 'partner', title: 'SET PARTNER on the principal', target: 'principal', manual: false, destructive: false, skippable: true },
];

export function stepDefinition(id: string): StepDefinition {
  const s = STEPS.find((x) => x.id === id)!;
  const noop = async () => ({ done: true });
  return {
    id: s.id,
    title: s.title,
    target: s.target,
    ...(s.manual ? { manual: { instructions: 'Set the SQL Server service on SQLMIR01 to run as LAB\\svc-sql.' } } : {}),
    ...(s.destructive ? { destructive: { confirmText: 'Patriot', consequences: 'the copy of Patriot on SQLMIR01 is replaced' } } : {}),
    ...(s.skippable ? { skippable: { why: 'a fixture' } } : {}),
    probe: noop,
    verify: noop,
    apply: async () => {},
    plan: () => [],
  };
}

let clock = Date.parse('2026-11-25T20:00:00.000Z');
export function ev<T extends EngineEvent['type']>(type: T, fields: Omit<Extract<EngineEvent, { type: T }>, 'type' | 'ts' | 'runId'>): EngineEvent {
  clock += 250;
  return { type, ts: new Date(clock).toISOString(), runId: '20261125-200000-abcd', ...fields } as unknown as EngineEvent;
}

export function renderRunView(options: { keys?: boolean } = {}) {
  const store = createRunStore({ frameMs: 0 });
  const controller = new AbortController();
  const operator = inkOperator({ name: 'dba', store, signal: controller.signal });
  let interrupts = 0;
  const keys = options.keys ?? true;
  const ui = render(
    <ColorContext.Provider value={false}>
      <RunView
        store={store}
        answer={operator.answer}
        interrupt={() => {
          interrupts++;
        }}
        keys={keys}
      />
    </ColorContext.Provider>,
  );
  return { ...ui, store, operator, controller, interrupts: () => interrupts, emit: (e: EngineEvent) => store.event(e) };
}

/** Polls the rendered output until `check` holds (renders are asynchronous). */
export async function frameWhere(frame: () => string | undefined, check: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = frame() ?? '';
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`no frame with ${what}; last frame:\n${text}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Resolves whether `promise` settled within a few event-loop turns (for "still waiting" checks). */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return done;
}
