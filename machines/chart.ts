// Mermaid diagrams for `mirrorbook plan <procedure> --chart`: the procedure's steps in order, and the
// step chart every step runs, drawn from the machine's own definition (step-chart.ts) so the
// picture cannot drift from what runs.

import type { DefinitionSummary } from '../store/types.js';
import { stepChart } from './step-chart.js';

interface TransitionConfig {
  target?: string | string[];
  guard?: unknown;
}

type Transitions = TransitionConfig | TransitionConfig[] | undefined;

interface StateConfig {
  invoke?: { src: string; onDone?: Transitions; onError?: Transitions };
  always?: Transitions;
  on?: Record<string, Transitions>;
  tags?: string[];
  states?: Record<string, StateConfig>;
  type?: string;
}

const list = (t: Transitions): TransitionConfig[] => (t === undefined ? [] : Array.isArray(t) ? t : [t]);

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function' && guard.name) return guard.name;
  if (guard && typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  return undefined;
}

function targetName(target: TransitionConfig['target']): string {
  const first = Array.isArray(target) ? target[0] : target;
  if (first === undefined) return '[*]';
  return first === '#procedure.done' ? 'done' : first.replace(/^\./, '');
}

/** The step chart as a Mermaid state diagram: states, what each one's actor returns, which guard decides. */
export function stepChartMermaid(): string {
  const step = (stepChart.config.states as Record<string, StateConfig>).step!;
  const lines = ['stateDiagram-v2', `  [*] --> ${step.states ? Object.keys(step.states)[0] : 'probe'}`];
  for (const [name, state] of Object.entries(step.states ?? {})) {
    const edges: [TransitionConfig, string][] = [
      ...list(state.invoke?.onDone).map((t): [TransitionConfig, string] => [t, state.invoke!.src]),
      ...list(state.invoke?.onError).map((t): [TransitionConfig, string] => [t, 'threw']),
      ...list(state.always).map((t): [TransitionConfig, string] => [t, '']),
      ...Object.entries(state.on ?? {}).flatMap(([event, t]) => list(t).map((c): [TransitionConfig, string] => [c, event])),
    ];
    for (const [transition, via] of edges) {
      const guard = guardName(transition.guard);
      const label = [via === state.invoke?.src ? '' : via, guard ?? (via === state.invoke?.src ? 'done' : '')].filter(Boolean).join(' ');
      lines.push(`  ${name} --> ${targetName(transition.target)}${label ? `: ${label}` : ''}`);
    }
    if (state.tags?.length) lines.push(`  note right of ${name}: ${state.tags.join(', ')}`);
  }
  lines.push('  done --> [*]');
  return lines.join('\n');
}

const quote = (text: string): string => text.replace(/"/g, '#quot;');

/** The procedure as a Mermaid flowchart: each step in order, where it runs, and whether it waits for a person. */
export function procedureMermaid(summary: DefinitionSummary): string {
  const lines = ['flowchart TD', `  start(["${quote(summary.title)}"])`];
  summary.steps.forEach((step, i) => {
    const marks = [step.manual ? 'MANUAL' : '', step.destructive ? 'DESTRUCTIVE' : ''].filter(Boolean).join(', ');
    const shape = step.manual || step.destructive ? ['{{', '}}'] : ['[', ']'];
    lines.push(`  s${i + 1}${shape[0]}"${i + 1}. ${quote(step.title)}<br/>${step.id} on ${step.target}${marks ? `<br/>${marks}` : ''}"${shape[1]}`);
    lines.push(`  ${i === 0 ? 'start' : `s${i}`} --> s${i + 1}`);
  });
  lines.push(`  finish([done])`, `  ${summary.steps.length ? `s${summary.steps.length}` : 'start'} --> finish`);
  return lines.join('\n');
}

/** Both diagrams as Markdown: paste into any Mermaid-aware viewer. */
export function chartMarkdown(summary: DefinitionSummary): string {
  return [
    `# ${summary.title} (${summary.name})`,
    '',
    '```mermaid',
    procedureMermaid(summary),
    '```',
    '',
    'Every step runs this chart (probe first: a step already in place is not applied again):',
    '',
    '```mermaid',
    stepChartMermaid(),
    '```',
    '',
  ].join('\n');
}
