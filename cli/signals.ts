// The one owner of the signals that stop a command: SIGINT (Ctrl-C), SIGTERM and SIGHUP (the
// terminal closed). The first aborts the command's AbortSignal with the signal's name, so the
// running step stops and the checkpoint is written; a second, while that shutdown is under way,
// calls `force` (which must leave the store truthful) and exits at once. Exit codes follow the
// shell's 128 + signal number: 129 SIGHUP, 130 SIGINT, 143 SIGTERM.
export const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

export interface SignalOwner {
  signal: AbortSignal;
  release(): void;
}

export function ownSignals(on: { first(name: StopSignal): void; force(name: StopSignal): void }): SignalOwner {
  const controller = new AbortController();
  const handlers = (Object.keys(SIGNAL_EXIT) as StopSignal[]).map((name) => {
    const handler = (): void => {
      if (controller.signal.aborted) {
        on.force(name);
        process.exit(SIGNAL_EXIT[name]);
      }
      on.first(name);
      controller.abort(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    release: () => { for (const [name, handler] of handlers) process.off(name, handler); },
  };
}
