// Plain timestamped lines: what an operator reads in a log file or a pipe (and, until the Ink TUI
// lands, on a terminal too).

import type { EngineEvent, EngineEventListener } from '../machines/events.js';
import { formatMs } from './format-ms.js';

const MARK: Record<string, string> = { done: 'done', 'already-done': 'already done', skipped: 'skipped', failed: 'FAILED' };

export function formatEvent(event: EngineEvent): string | undefined {
  switch (event.type) {
    case 'run-started':
      return `${event.resumed ? 'resuming' : 'starting'} ${event.procedure} on ${event.pair} as ${event.operator} (run ${event.runId}, ${event.steps.length} steps)`;
    case 'step-started':
      return `step ${event.stepId} [${event.target}${event.server ? ` ${event.server}` : ''}] attempt ${event.attempt}`;
    case 'step-probed':
      return `  probe: ${event.done ? 'already true' : 'not yet'}${event.detail ? ` — ${event.detail}` : ''}`;
    case 'statement':
      return `  ${event.server ?? event.target}> ${event.sql.replace(/\s*\n\s*/g, ' ')}`;
    case 'progress':
      return `  ${event.percent !== undefined ? `${event.percent.toFixed(0)}% ` : ''}${event.label ?? ''}`;
    case 'note':
      return `  note: ${event.text}`;
    case 'manual-required':
      return `  MANUAL: ${event.instructions}`;
    case 'confirm-required':
      return `  DESTRUCTIVE: ${event.consequences} (confirm by typing '${event.expected}')`;
    case 'step-finished':
      return `step ${event.stepId}: ${MARK[event.status]} (${formatMs(event.ms)}${event.acrossInterruption ? ' since it began, before the interruption' : ''})${event.detail ? ` — ${event.detail}` : ''}${event.error ? ` — ${event.error.number !== undefined ? `error ${event.error.number}: ` : ''}${event.error.message}${event.error.hint ? `\n  hint: ${event.error.hint}` : ''}` : ''}`;
    case 'run-finished': {
      const lines = [`run ${event.runId}: ${event.status} (exit ${event.exitCode})`];
      if (event.error) lines.push(`  ${event.error.number !== undefined ? `error ${event.error.number}: ` : ''}${event.error.message}`, ...(event.error.hint ? [`  hint: ${event.error.hint}`] : []));
      if (event.resumeCommand) lines.push(`to continue: ${event.resumeCommand}`);
      return lines.join('\n');
    }
  }
}

export function plainReporter(out: NodeJS.WritableStream): EngineEventListener {
  return (event) => {
    const text = formatEvent(event);
    if (text !== undefined) out.write(`${event.ts.slice(11, 23)} ${text}\n`);
  };
}
