// The run view: header and finished steps printed once (<Static>), then a small live area — the
// running step, what it sends where, progress, the operator's question — redrawn in place.

import { Box, Static, Text } from 'ink';
import type { Answer, Printed, RunViewState } from './run-state.js';
import { serverLabel, stepById, unfinishedSteps } from './run-state.js';
import type { RunStore } from './run-store.js';
import { useRunState } from './use-run-state.js';
import { useColumns } from './use-columns.js';
import { usePromptKeys } from './use-prompt-keys.js';
import { RunHeader } from './RunHeader.js';
import { StepLine, cut } from './StepLine.js';
import { LiveStep } from './LiveStep.js';
import { PromptPanel } from './PromptPanel.js';
import { RunSummary } from './RunSummary.js';
import { ICON, useColor } from './theme.js';

export interface RunViewProps {
  store: RunStore;
  answer(value: Answer): void;
  interrupt(): void;
  /** Raw-mode key handling is available (a terminal on stdin). */
  keys: boolean;
}

const UPCOMING = 3;

type StaticItem = { key: string; header: true } | { key: string; printed: Printed };

export function RunView({ store, answer, interrupt, keys }: RunViewProps) {
  const state = useRunState(store);
  const columns = useColumns();
  usePromptKeys({ store, answer, interrupt, active: keys });
  const items: StaticItem[] = state.header ? [{ key: 'header', header: true }, ...state.printed.map((printed, i) => ({ key: `p${i}`, printed }))] : [];
  return (
    <Box flexDirection="column">
      <Static items={items}>
        {(item) => (
          <Box key={item.key}>
            {'header' in item ? (
              <RunHeader header={state.header!} total={state.steps.length} />
            ) : (
              <PrintedLine state={state} printed={item.printed} columns={columns} />
            )}
          </Box>
        )}
      </Static>
      {state.header ? null : <BeforeTheRun printed={state.printed} />}
      {state.finished ? <RunSummary state={state} finished={state.finished} /> : <LiveArea state={state} columns={columns} keys={keys} />}
    </Box>
  );
}

/** What came before the run started (the preflight's ✗ and ⚠ rows): drawn in the live area, whole,
 * so a preflight that refuses the run leaves them on the terminal; once the run starts they are
 * printed under its header. */
function BeforeTheRun({ printed }: { printed: Printed[] }) {
  return <Box flexDirection="column">{printed.map((p, i) => (p.kind === 'note' ? <Text key={`b${i}`}>{`  ${p.text}`}</Text> : null))}</Box>;
}

function PrintedLine({ state, printed, columns }: { state: RunViewState; printed: Printed; columns: number }) {
  if (printed.kind === 'note')
    return (
      <Text dimColor wrap={printed.whole ? 'wrap' : 'truncate-end'}>
        {'  '}note: {printed.text}
      </Text>
    );
  const step = stepById(state, printed.id);
  return step ? <StepLine step={step} columns={columns} /> : null;
}

function LiveArea({ state, columns, keys }: { state: RunViewState; columns: number; keys: boolean }) {
  const color = useColor();
  const open = unfinishedSteps(state);
  const active = open.filter((s) => s.status === 'running' || s.status === 'waiting' || s.status === 'failed');
  const upcoming = open.filter((s) => s.status === 'pending');
  return (
    <Box flexDirection="column" marginTop={state.printed.length ? 0 : 0}>
      {active.map((step) => (
        <LiveStep
          key={step.id}
          step={step}
          live={state.live?.stepId === step.id ? state.live : undefined}
          columns={columns}
          label={(server, configured) => serverLabel(state, server, configured)}
        />
      ))}
      {state.prompt ? <PromptPanel prompt={state.prompt} step={stepById(state, state.prompt.stepId)} keys={keys} /> : null}
      {upcoming.slice(0, UPCOMING).map((step) => (
        <Text key={step.id} dimColor wrap="truncate-end">
          {ICON.pending} {cut(step.title, columns - 5 - step.target.length)} [{step.target}]
        </Text>
      ))}
      {upcoming.length > UPCOMING ? (
        <Text dimColor>
          {'  '}… and {upcoming.length - UPCOMING} more
        </Text>
      ) : null}
      {state.interrupting ? (
        <Text color={color('yellow')}>{state.interrupting}: stopping the running step and writing the checkpoint (Ctrl-C again to force)</Text>
      ) : null}
    </Box>
  );
}
