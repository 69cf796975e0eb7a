// The CLI run in the test's own process (cli/dispatch.ts, as cli/main.ts runs it): captured output,
// the environment, folder and invocation the spawned CLI would have, and stop signals of its own.
// Where no process boundary is under test, a command then costs its work, not a node start that
// loads mssql again (~0.4 s CPU a call).
import { Readable, Writable } from 'node:stream';
import { dispatch } from '../../cli/dispatch.js';
import { SIGNAL_EXIT, signalOwner, type StopSignal } from '../../cli/signals.js';
import type { Invocation } from '../../cli/self-command.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command line under way, started in this process or as one of its own. */
export interface RunningCli {
  /** Resolves when the output matches the `until` pattern it was started with (or it ended). */
  reached: Promise<void>;
  done: Promise<CliResult>;
  /** What the command has printed so far. */
  output(): string;
  /** Ctrl-C, as an operator would stop a watch (or another signal: SIGTERM as a service manager). */
  interrupt(signal?: NodeJS.Signals): void;
}

export interface InProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  invocation: Invocation;
  until?: RegExp;
}

export function startInProcess(args: string[], { env, cwd, invocation, until = /(?!)/ }: InProcessOptions): RunningCli {
  const text = { stdout: '', stderr: '' };
  let hit: () => void = () => {};
  const reached = new Promise<void>((resolve) => (hit = resolve));
  const capture = (into: keyof typeof text) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, written) {
        text[into] += chunk.toString();
        if (into === 'stdout' && until.test(text.stdout)) hit();
        written();
      },
    }) as unknown as NodeJS.WriteStream;
  // A process of its own would exit at once on a signal nothing claimed, or on a second one: this
  // process cannot, so such a test needs the spawned CLI.
  const signals = signalOwner((code) => {
    throw new Error(`the command would exit ${code} at once here: interrupt it in a process of its own`);
  });
  const stdin = Readable.from([]) as unknown as NodeJS.ReadStream;
  const done = dispatch(args, { stdin, stdout: capture('stdout'), stderr: capture('stderr'), env, cwd, invocation, signals }).then((code) => ({
    code,
    ...text,
  }));
  return {
    reached: Promise.race([reached, done.then(() => undefined)]),
    done,
    output: () => text.stdout,
    interrupt: (signal = 'SIGINT') => {
      if (!(signal in SIGNAL_EXIT)) throw new Error(`${signal} ends a process, not a command: start this one in a process of its own`);
      signals.deliver(signal as StopSignal);
    },
  };
}
