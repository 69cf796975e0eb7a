// Mounts the run view for one run on a terminal: an engine listener, an Operator answered with
// keys (only when stdin has raw mode; otherwise the caller keeps its own), and a clean unmount.
// Ink's own Ctrl-C exit (which would exit 0) is off: Ctrl-C goes to the run's interrupt.

import { render } from 'ink';
import type { EngineEventListener } from '../machines/events.js';
import type { Operator } from '../machines/procedure.js';
import { createRunStore } from './run-store.js';
import { inkOperator } from './ink-operator.js';
import { RunView } from './RunView.js';
import { ColorContext } from './theme.js';

export interface InkRunOptions {
  operatorName: string;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  color: boolean;
  signal: AbortSignal;
  /** What Ctrl-C does (raw mode swallows SIGINT): the same as the first SIGINT. */
  interrupt(): void;
  confirm?: string;
  yes?: boolean;
  /** The words of a question (instructions, consequences, a failure's hint) as the operator reads
   * them: commands named the way mirrorbook was started (cli/as-invoked.ts). */
  say?: (text: string) => string;
}

export interface InkRun {
  listener: EngineEventListener;
  /** Undefined when stdin cannot give keys: the caller puts its command-line operator in front. */
  operator: Operator | undefined;
  /** Shows that an interrupt is being handled (instead of writing under the live area). */
  interrupting(signal: string): void;
  /** Draws the last frame and releases the terminal. */
  close(): Promise<void>;
}

export function startInkRun(options: InkRunOptions): InkRun {
  const store = createRunStore();
  const keys = options.stdin.isTTY === true && typeof options.stdin.setRawMode === 'function';
  const operator = keys
    ? inkOperator({
        name: options.operatorName,
        store,
        signal: options.signal,
        ...(options.confirm !== undefined ? { confirm: options.confirm } : {}),
        ...(options.say ? { say: options.say } : {}),
      })
    : undefined;
  const answer = operator ? operator.answer : () => {};
  const instance = render(
    <ColorContext.Provider value={options.color}>
      <RunView store={store} answer={answer} interrupt={options.interrupt} keys={keys} />
    </ColorContext.Provider>,
    { stdout: options.stdout, stdin: options.stdin, stderr: options.stderr, exitOnCtrlC: false, patchConsole: true, maxFps: 15 },
  );
  const yesOperator: Operator | undefined = operator && options.yes ? { ...operator, confirmManual: async () => true } : operator;
  return {
    listener: store.event,
    operator: yesOperator,
    interrupting: (signal) => store.dispatch({ type: 'interrupting', signal }),
    close: async () => {
      // What arrived within the last frame interval (a refused preflight's ✗ rows, the run's last
      // notes) is drawn before the view goes: React commits the update on the next turn.
      store.flush();
      await new Promise((resolve) => setImmediate(resolve));
      instance.unmount();
      await instance.waitUntilExit().catch(() => undefined);
    },
  };
}
