import { Box, Text } from 'ink';
import type { Prompt, StepView } from './run-state.js';
import { useColor } from './theme.js';
import { errorLine } from './error-view.js';

const CHOICE_LABEL = { retry: '[r] retry', skip: '[s] skip', abort: '[a] abort' } as const;

/** The operator's question: a manual step to do, a name to type, or what to do after a failure. */
export function PromptPanel({ prompt, step, keys }: { prompt: Prompt; step: StepView | undefined; keys: boolean }) {
  const color = useColor();
  switch (prompt.kind) {
    case 'manual':
      return (
        <Box flexDirection="column" borderStyle="round" borderColor={color('yellow')} paddingX={1}>
          <Text bold color={color('yellow')}>
            Manual step: {prompt.title}
          </Text>
          <Text>{prompt.instructions}</Text>
          <Text dimColor>{keys ? 'Press Enter when it is done (mirrorbook then checks it) · a or Esc stops the run' : 'waiting for the operator'}</Text>
        </Box>
      );
    case 'destructive':
      return (
        <Box flexDirection="column" borderStyle="round" borderColor={color('red')} paddingX={1}>
          <Text bold color={color('red')}>
            Destructive: {prompt.title}
          </Text>
          <Text>{prompt.consequences}</Text>
          <Text>
            Type <Text bold>{prompt.expected}</Text> and press Enter to go ahead · Esc stops the run
          </Text>
          {prompt.refused !== undefined ? (
            <Text color={color('red')}>
              '{prompt.refused}' is not '{prompt.expected}': nothing was done. Type it again.
            </Text>
          ) : null}
          <Text>
            &gt; {prompt.typed}
            <Text inverse> </Text>
          </Text>
        </Box>
      );
    case 'failure': {
      const hint = prompt.error.hint ?? step?.error?.hint;
      return (
        <Box flexDirection="column" borderStyle="round" borderColor={color('red')} paddingX={1}>
          <Text bold color={color('red')}>
            ✖ {prompt.title} failed
          </Text>
          <Text>{errorLine(prompt.error)}</Text>
          {hint ? <Text color={color('yellow')}>hint: {hint}</Text> : null}
          <Text>{prompt.choices.map((c) => CHOICE_LABEL[c]).join('   ')}</Text>
          {prompt.choices.includes('skip') ? null : <Text dimColor>this step guards the pair: it cannot be skipped</Text>}
        </Box>
      );
    }
    case 'skip':
      return (
        <Box flexDirection="column" borderStyle="round" borderColor={color('yellow')} paddingX={1}>
          <Text bold color={color('yellow')}>
            Skip: {prompt.title}
          </Text>
          {prompt.confirmed ? (
            <Text>Why is it safe to skip? The reason goes to the audit. Enter records it · Esc does not skip</Text>
          ) : (
            <Text>
              Type <Text bold>{prompt.expected}</Text> and press Enter to skip it · Esc does not skip
            </Text>
          )}
          {prompt.refused !== undefined ? (
            <Text color={color('red')}>
              '{prompt.refused}' is not '{prompt.expected}': nothing was skipped. Type it again.
            </Text>
          ) : null}
          <Text>
            &gt; {prompt.typed}
            <Text inverse> </Text>
          </Text>
        </Box>
      );
  }
}
