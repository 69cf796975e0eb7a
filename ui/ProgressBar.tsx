import { Text } from 'ink';
import { useColor } from './theme.js';

/** Backup, restore and synchronisation progress: a bar when there is a percentage, else the label. */
export function ProgressBar({ percent, label, width }: { percent?: number; label?: string; width: number }) {
  const color = useColor();
  if (percent === undefined)
    return (
      <Text dimColor wrap="truncate-end">
        {'  '}
        {label ?? ''}
      </Text>
    );
  const clamped = Math.max(0, Math.min(100, percent));
  const barWidth = Math.max(10, Math.min(40, width - 30));
  const filled = Math.round((clamped / 100) * barWidth);
  return (
    <Text wrap="truncate-end">
      {'  '}
      <Text color={color('cyan')}>{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(barWidth - filled)}</Text>
      {` ${clamped.toFixed(0).padStart(3)}%`}
      {label ? <Text dimColor> {label}</Text> : null}
    </Text>
  );
}
