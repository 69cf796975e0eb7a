// The one owner of the signals that stop a command: SIGINT (Ctrl-C), SIGTERM and SIGHUP (the
// terminal closed). main.ts installs it once and passes it down in CommandContext; no command
// listens to the process itself. A command that stops by itself claims the signals: the first
// signal calls its `first` and aborts `signal` with the signal's name, so the running step stops
// and the checkpoint is written (a watch ends its loop, the monitor its polling); a second, while
// that shutdown is under way, calls its `force` (which must leave the store truthful) and exits at
// once. Claims nest (the demo claims, the run inside it claims over it); with no claim a signal
// exits at once, as it would without a handler. Exit codes follow the shell's 128 + signal
// number: 129 SIGHUP, 130 SIGINT, 143 SIGTERM.
export const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

export interface SignalClaim {
  first?(name: StopSignal): void;
  force?(name: StopSignal): void;
}

export interface CommandSignals {
  /** Aborted, with the signal's name as its reason, by the first signal while a claim is held. */
  readonly signal: AbortSignal;
  /** This command stops by itself on `signal`; returns the release. */
  claim(on?: SignalClaim): () => void;
}

export const stopSignalOf = (signal: AbortSignal): StopSignal | undefined =>
  typeof signal.reason === 'string' && signal.reason in SIGNAL_EXIT ? (signal.reason as StopSignal) : undefined;

/** The signals of one command line, delivered by whoever owns them: the process's (ownSignals),
 * or an embedder's own; `exit` is what "exit at once" means there. */
export function signalOwner(exit: (code: number) => void): CommandSignals & { deliver(name: StopSignal): void } {
  const controller = new AbortController();
  const claims: SignalClaim[] = [];
  return {
    signal: controller.signal,
    claim: (on = {}) => {
      claims.push(on);
      return () => {
        const at = claims.lastIndexOf(on);
        if (at !== -1) claims.splice(at, 1);
      };
    },
    deliver: (name) => {
      const top = claims.at(-1);
      if (!top) return exit(SIGNAL_EXIT[name]);
      if (controller.signal.aborted) {
        top.force?.(name);
        return exit(SIGNAL_EXIT[name]);
      }
      top.first?.(name);
      controller.abort(name);
    },
  };
}

/** The process's SIGINT / SIGTERM / SIGHUP, owned until `release`. */
export function ownSignals(): CommandSignals & { release(): void } {
  const { deliver, ...signals } = signalOwner((code) => process.exit(code));
  const handlers = (Object.keys(SIGNAL_EXIT) as StopSignal[]).map((name) => {
    const handler = (): void => deliver(name);
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    ...signals,
    release: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
