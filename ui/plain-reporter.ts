// Plain timestamped lines: what an operator reads in a log file or a pipe. It shows every change
// sent, each step's result, progress and waits; a read already shown in this run (the polling of a
// wait, a backup's progress query, a verify repeating its probe, the same state query of the next
// step) is counted instead and summarised when the step ends, and a probe that finds the step
// already done says so on the step's own line — `--verbose` prints every one. `brief` (the demo's
// piped page) keeps each step's result, the notes, the waits and the prompts, and no T-SQL.

import type { EngineEvent, EngineEventListener } from '../machines/events.js';
import { onlyReads } from '../machines/statement-kind.js';
import { formatMs } from './format-ms.js';
import { renderFindings } from '../preflight/render.js';

const MARK: Record<string, string> = { done: 'done', 'already-done': 'already done', skipped: 'skipped', failed: 'FAILED' };

/** Every 25 % of an operation is shown; the driver's STATS = 10 messages and polls in between are not. */
const PROGRESS_STEP = 25;

/** `repeats`: reads of the finished step not shown (counted on its line). */
export function formatEvent(event: EngineEvent, repeats = 0): string | undefined {
  switch (event.type) {
    case 'preflight': {
      const shown = event.findings.filter((f) => f.verdict !== 'ok');
      return shown.length ? `preflight of ${event.procedure}:\n${renderFindings(shown)}` : undefined;
    }
    case 'run-started':
      return `${event.resumed ? 'resuming' : 'starting'} ${event.procedure} on ${event.pair} as ${event.operator} (run ${event.runId}, ${event.steps.length} steps)`;
    case 'step-started':
      return `step ${event.stepId} [${event.target}${event.server ? ` ${event.server}` : ''}] attempt ${event.attempt}`;
    case 'step-probed':
      return `  probe: ${event.done ? 'already true' : 'not yet'}${event.detail ? ` — ${event.detail}` : ''}`;
    case 'statement':
      return `  ${event.server ?? event.target}> ${event.sql.replace(/\s*\n\s*/g, ' ')}`;
    case 'role':
      // The run view's: plain lines name servers, and the reads that found the role are shown.
      return undefined;
    case 'progress':
      return `  ${event.percent !== undefined ? `${event.percent.toFixed(0)}% ` : ''}${event.label ?? ''}`;
    case 'note':
      return `  note: ${event.text}`;
    case 'manual-required':
      return `  MANUAL: ${event.instructions}`;
    case 'confirm-required':
      return `  DESTRUCTIVE: ${event.consequences} (confirm by typing '${event.expected}')`;
    case 'step-finished':
      return `step ${event.stepId}: ${MARK[event.status]} (${formatMs(event.ms)}${event.acrossInterruption ? ' since it began, before the interruption' : ''}${repeats ? `; ${repeats} repeated read${repeats === 1 ? '' : 's'}` : ''})${event.detail ? ` — ${event.detail}` : ''}${event.error ? ` — ${event.error.number !== undefined ? `error ${event.error.number}: ` : ''}${event.error.message}${event.error.hint ? `\n  hint: ${event.error.hint}` : ''}` : ''}`;
    case 'run-finished': {
      const lines = [
        `run ${event.runId}: ${event.status}${event.skipped ? ` WITH ${event.skipped.length} SKIPPED STEP(S): ${event.skipped.join(', ')}` : ''} (exit ${event.exitCode})`,
      ];
      if (event.error)
        lines.push(
          `  ${event.error.number !== undefined ? `error ${event.error.number}: ` : ''}${event.error.message}`,
          ...(event.error.hint ? [`  hint: ${event.error.hint}`] : []),
        );
      if (event.resumeCommand)
        lines.push(event.error?.fixFirst ? `once that is fixed (hint above), continue: ${event.resumeCommand}` : `to continue: ${event.resumeCommand}`);
      return lines.join('\n');
    }
  }
}

/** Decides which events are worth a line when not verbose, and counts the reads not shown (a read
 * already shown in this run: polls, a verify repeating its probe, the next step's same query). */
function summariser(): (event: EngineEvent) => { show: boolean; repeats: number } {
  const readsShown = new Set<string>();
  let repeats = 0;
  let hidden = 0;
  const progressShown = new Map<string, number>();
  return (event) => {
    if (event.type === 'statement' && onlyReads(event.sql)) {
      const key = `${event.server ?? event.target}\0${event.sql}`;
      if (readsShown.has(key)) {
        repeats++;
        hidden++;
        return { show: false, repeats: 0 };
      }
      readsShown.add(key);
      return { show: true, repeats: 0 };
    }
    if (event.type === 'progress') {
      const label = event.label ?? '';
      const bucket = event.percent === undefined ? -1 : Math.floor(event.percent / PROGRESS_STEP);
      if (progressShown.get(label) === bucket) return { show: false, repeats: 0 };
      progressShown.set(label, bucket);
      return { show: true, repeats: 0 };
    }
    // "already done — <what the probe saw>" follows on the step's line.
    if (event.type === 'step-probed' && event.done) return { show: false, repeats: 0 };
    if (event.type === 'step-finished') {
      const counted = repeats;
      repeats = 0;
      progressShown.clear();
      return { show: true, repeats: counted };
    }
    if (event.type === 'run-finished') return { show: true, repeats: hidden };
    return { show: true, repeats: 0 };
  };
}

/** What a brief page leaves out: where each step starts, its probe and its T-SQL (the result line
 * says what it found or did), and percentages (a wait's state stays). */
function briefly(event: EngineEvent): boolean {
  if (event.type === 'step-started' || event.type === 'step-probed' || event.type === 'statement') return false;
  return event.type !== 'progress' || event.percent === undefined;
}

export function plainReporter(out: NodeJS.WritableStream, options: { verbose?: boolean; brief?: boolean } = {}): EngineEventListener {
  const summarise = options.verbose ? undefined : summariser();
  return (event) => {
    if (options.brief && !briefly(event)) return;
    const counted = summarise?.(event) ?? { show: true, repeats: 0 };
    const { show, repeats } = options.brief ? { show: counted.show, repeats: 0 } : counted;
    if (!show) return;
    const text = formatEvent(event, event.type === 'step-finished' ? repeats : 0);
    if (text === undefined) return;
    const stamp = event.ts.slice(11, 23);
    out.write(`${stamp} ${text}\n`);
    if (event.type === 'run-finished' && repeats > 0) out.write(`${stamp} (${repeats} repeated reads were counted, not shown: --verbose shows every one)\n`);
  };
}
