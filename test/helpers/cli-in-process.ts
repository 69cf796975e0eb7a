// The CLI run in the test's own process (cli/dispatch.ts, as cli/main.ts runs it): captured output,
// the environment, folder and invocation the spawned CLI would have, and stop signals of its own.
// Where no process boundary is under test, a command then costs its work, not a node start that
// loads mssql again (~0.4 s CPU a call). The code is the fresh bundle's (dist/dispatch.js, as the
// spawned CLI runs dist/cli.js), else the source: loading the bundle once costs a test process
// ~0.5 s of CPU less than compiling the sources and mssql through tsx.
import { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SIGNAL_EXIT, type StopSignal } from '../../cli/signals.js';
import type { dispatch as DispatchFn } from '../../cli/dispatch.js';
import type { signalOwner as SignalOwnerFn } from '../../cli/signals.js';
import type { Invocation } from '../../cli/self-command.js';
import { freshBundle } from './fresh-bundle.js';

interface CliCode {
  dispatch: typeof DispatchFn;
  signalOwner: typeof SignalOwnerFn;
}

const ROOT = new URL('../..', import.meta.url).pathname;
let cliCode: Promise<CliCode> | undefined;
function loadCli(): Promise<CliCode> {
  cliCode ??= (async () => {
    const [dispatchModule, signalsModule] = freshBundle(ROOT)
      ? await Promise.all([import(pathToFileURL(join(ROOT, 'dist', 'dispatch.js')).href), import(pathToFileURL(join(ROOT, 'dist', 'signals.js')).href)])
      : await Promise.all([import('../../cli/dispatch.js'), import('../../cli/signals.js')]);
    return { dispatch: dispatchModule.dispatch, signalOwner: signalsModule.signalOwner } as CliCode;
  })();
  return cliCode;
}

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
  const cli = loadCli();
  // A process of its own would exit at once on a signal nothing claimed, or on a second one: this
  // process cannot, so such a test needs the spawned CLI.
  const signals = cli.then(({ signalOwner }) =>
    signalOwner((code) => {
      throw new Error(`the command would exit ${code} at once here: interrupt it in a process of its own`);
    }),
  );
  const stdin = Readable.from([]) as unknown as NodeJS.ReadStream;
  const done = Promise.all([cli, signals])
    .then(([{ dispatch }, owner]) => dispatch(args, { stdin, stdout: capture('stdout'), stderr: capture('stderr'), env, cwd, invocation, signals: owner }))
    .then((code) => ({ code, ...text }));
  return {
    reached: Promise.race([reached, done.then(() => undefined)]),
    done,
    output: () => text.stdout,
    interrupt: (signal = 'SIGINT') => {
      if (!(signal in SIGNAL_EXIT)) throw new Error(`${signal} ends a process, not a command: start this one in a process of its own`);
      void signals.then((owner) => owner.deliver(signal as StopSignal));
    },
  };
}
