import { Box, Text } from 'ink';
import type { Finished, RunViewState } from './run-state.js';
import { formatMs, useColor } from './theme.js';
import { errorLine } from './error-view.js';

const HEADLINE: Record<Finished['status'], string> = {
  done: 'done',
  failed: 'stopped: a step failed',
  interrupted: 'interrupted; the checkpoint is written',
  'needs-operator': 'waiting for the operator',
  aborted: 'aborted by the operator',
};

/** How the run ended, and the exact command that continues it. */
export function RunSummary({ state, finished }: { state: RunViewState; finished: Finished }) {
  const color = useColor();
  const skipped = finished.skipped ?? [];
  const ok = finished.status === 'done' && skipped.length === 0;
  const headline =
    finished.status === 'done' && skipped.length > 0 ? `done with ${skipped.length} skipped step(s): ${skipped.join(', ')}` : HEADLINE[finished.status];
  const counts = state.steps.reduce(
    (n, s) => {
      const k = s.earlier ? 'earlier' : s.status;
      return { ...n, [k]: (n[k] ?? 0) + 1 };
    },
    {} as Record<string, number>,
  );
  const tally = [
    ['done before the resume', counts.earlier],
    ['done', counts.done],
    ['already done', counts['already-done']],
    ['skipped', counts.skipped],
    ['failed', counts.failed],
  ]
    .filter(([, n]) => n)
    .map(([label, n]) => `${n} ${label}`)
    .join(', ');
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold color={color(ok ? 'green' : finished.status === 'done' ? 'yellow' : 'red')}>
          {ok ? '✔' : finished.status === 'done' ? '⚠' : '✖'} {state.header?.procedure ?? 'run'} {headline}
        </Text>
        <Text dimColor>
          {' '}
          · {tally}
          {state.startedAt !== undefined ? ` · ${formatMs(finished.at - state.startedAt)}` : ''} · exit {finished.exitCode}
        </Text>
      </Text>
      {finished.error ? (
        <Text color={color('red')}>
          {'  '}
          {errorLine(finished.error)}
        </Text>
      ) : null}
      {finished.error?.hint ? (
        <Text color={color('yellow')}>
          {'  '}hint: {finished.error.hint}
        </Text>
      ) : null}
      {finished.resumeCommand ? (
        <Text>
          {'  '}
          {finished.error?.fixFirst ? 'once that is fixed (hint above), continue' : 'to continue'}: <Text bold>{finished.resumeCommand}</Text>
        </Text>
      ) : null}
    </Box>
  );
}
