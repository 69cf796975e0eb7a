import { Box, Text } from 'ink';
import type { Live, StepView } from './run-state.js';
import { ICON, STATUS_COLOR, formatMs, useColor } from './theme.js';
import { useElapsed } from './use-elapsed.js';
import { ProgressBar } from './ProgressBar.js';
import { cut } from './StepLine.js';

/** The step that is running now: where (the server by its role now, `label`), for how long, the
 * T-SQL in flight and its progress. */
export function LiveStep({
  step,
  live,
  columns,
  label,
}: {
  step: StepView;
  live: Live | undefined;
  columns: number;
  label(server: string, configured: string): string;
}) {
  const color = useColor();
  const elapsed = useElapsed(step.startedAt, step.status === 'running' || step.status === 'waiting');
  const shown = step.status === 'failed' ? (step.ms ?? 0) : Math.floor(elapsed / 1000) * 1000;
  const server = live?.server ?? step.server;
  // Where and how long on a line of their own: a long title is cut, they must not be.
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={color(STATUS_COLOR[step.status])}>{ICON[step.status]} </Text>
        <Text bold>{step.title}</Text>
      </Text>
      <Text dimColor wrap="truncate-end">
        {'  '}on {server ? label(server, step.target) : step.target} · {formatMs(shown)}
        {step.attempt > 1 ? ` · attempt ${step.attempt}` : ''}
      </Text>
      {live?.sql ? (
        <Text color={color('blue')} wrap="truncate-end">
          {'  ' + cut(live.sql, columns - 4)}
        </Text>
      ) : null}
      {live?.progress ? <ProgressBar {...live.progress} width={columns} /> : null}
    </Box>
  );
}
