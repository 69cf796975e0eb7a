import { Box, Text } from 'ink';
import type { StepView } from './run-state.js';
import { ICON, STATUS_COLOR, formatMs, useColor } from './theme.js';
import { errorLine } from './error-view.js';

const LABEL: Record<string, string> = { 'already-done': 'already done', skipped: 'skipped', failed: 'failed' };

/** A finished step, printed once: icon, title, where it ran, how long, and what was verified. */
export function StepLine({ step, columns }: { step: StepView; columns: number }) {
  const color = useColor();
  const where = step.server ?? step.target;
  const label = LABEL[step.status];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={color(STATUS_COLOR[step.status])}>{ICON[step.status]} </Text>
        {step.title}
        <Text dimColor> [{where}]{step.ms !== undefined ? ` ${formatMs(step.ms)}` : ''}{label ? ` · ${label}` : ''}</Text>
      </Text>
      {step.detail ? <Text dimColor wrap="truncate-end">{'  ' + cut(step.detail, columns - 2)}</Text> : null}
      {step.error ? <Text color={color('red')} wrap="truncate-end">{'  ' + errorLine(step.error)}</Text> : null}
    </Box>
  );
}

export function cut(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length <= width ? flat : flat.slice(0, Math.max(0, width - 1)) + '…';
}
