// The run view as `run` mounts it on a terminal (ui/ink-run.tsx), fed the first event of a run.
import { startInkRun } from '../../ui/ink-run.js';
import { firstFrameTerminal } from './fake-terminal.js';

const run = startInkRun({
  operatorName: 'bench',
  stdout: firstFrameTerminal(),
  stdin: process.stdin,
  stderr: process.stderr,
  color: true,
  signal: new AbortController().signal,
  interrupt: () => {},
});
run.listener({
  type: 'run-started',
  ts: new Date().toISOString(),
  runId: '20261125-200000-bench',
  procedure: 'setup',
  pair: 'SQLPRI01+SQLMIR01',
  operator: 'bench',
  resumed: false,
  steps: [{ id: 'master-key', title: 'Create the database master key', target: 'principal', manual: false, destructive: false, skippable: false }],
});
