import { Text } from 'ink';
import type { Header } from './run-state.js';
import { useColor } from './theme.js';

export function RunHeader({ header, total }: { header: Header; total: number }) {
  const color = useColor();
  return (
    <Text wrap="truncate-end">
      <Text bold color={color('cyan')}>
        {header.resumed ? 'resuming ' : ''}
        {header.procedure}
      </Text>
      {' on '}
      <Text bold>{header.pair}</Text>
      <Text dimColor>
        {' '}
        · run {header.runId} · operator {header.operator} · {total} steps
      </Text>
    </Text>
  );
}
