import { Box, Text } from 'ink';
import type { StepView } from './run-state.js';
import { ICON, STATUS_COLOR, formatMs, useColor } from './theme.js';
import { errorLine } from './error-view.js';

const LABEL: Record<string, string> = { 'already-done': 'already done', skipped: 'skipped', failed: 'failed' };

/** A finished step, printed once: icon, title, where it ran, how long, and what was verified. On a
 * narrow terminal the title is cut, never where, how long or how it ended. */
export function StepLine({ step, columns }: { step: StepView; columns: number }) {
  const color = useColor();
  const where = step.changedOn ?? step.server ?? step.target;
  const label = LABEL[step.status];
  const facts = ` [${where}]${step.ms !== undefined ? ` ${formatMs(step.ms)}` : ''}${label ? ` · ${label}` : ''}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={color(STATUS_COLOR[step.status])}>{ICON[step.status]} </Text>
        {cut(step.title, columns - 2 - facts.length)}
        <Text dimColor>{facts}</Text>
      </Text>
      {step.detail ? (
        <Text dimColor wrap="truncate-end">
          {'  ' + cut(step.detail, columns - 2)}
        </Text>
      ) : null}
      {step.error ? (
        <Text color={color('red')} wrap="truncate-end">
          {'  ' + errorLine(step.error)}
        </Text>
      ) : null}
    </Box>
  );
}

export function cut(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length <= width ? flat : flat.slice(0, Math.max(0, width - 1)) + '…';
}
