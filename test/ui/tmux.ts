// A real terminal for the run view: a detached tmux session running one shell command, read with
// `capture-pane` (polled, never fixed sleeps) and driven with `send-keys`. kill() in cleanup.
// Each terminal has a tmux server of its own (`-L`): a session takes its environment from its server,
// and a server shared between test files keeps the environment of the file that started it — whose
// MIRRORBOOK_LAB_WATCH_PID then stopped the lab of a demo in another file once that file ended.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { REPO_ROOT } from '../helpers/lab.js';

export const TMUX = '/usr/bin/tmux';

export interface Terminal {
  screen(): string;
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  keys(...keys: string[]): void;
  /** The text typed literally (no key names). */
  type(text: string): void;
  resize(width: number, height: number): void;
  kill(): void;
}

/** `command` runs in the repository with CI unset; its exit code ends up on screen as EXIT=<n>. */
export function openTerminal(command: string, options: { env?: Record<string, string>; width?: number; height?: number } = {}): Terminal {
  const name = `mb-ui-${process.pid}-${randomBytes(3).toString('hex')}`;
  // The session has this process's environment (its server's): only the additions are spelled out.
  const env = Object.entries(options.env ?? {})
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(' ');
  const shell = `cd ${shellQuote(REPO_ROOT)} && env -u CI NO_COLOR=1 ${env} ${command}; echo EXIT=$?; sleep 600`;
  const tmux = (args: string[], io: { encoding?: 'utf8'; stdio?: 'ignore' } = {}) => execFileSync(TMUX, ['-L', name, '-f', '/dev/null', ...args], io);
  tmux(['new-session', '-d', '-s', name, '-x', String(options.width ?? 110), '-y', String(options.height ?? 45), shell]);
  const screen = (): string => {
    try {
      return tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', name], { encoding: 'utf8' }) as string;
    } catch {
      return '';
    }
  };
  return {
    screen,
    waitFor: async (what, timeoutMs = 90_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (typeof what === 'string' ? text.includes(what) : what.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(what)}; it shows:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    keys: (...keys) => {
      tmux(['send-keys', '-t', name, ...keys]);
    },
    type: (text) => {
      tmux(['send-keys', '-t', name, '-l', text]);
    },
    resize: (width, height) => {
      tmux(['resize-window', '-t', name, '-x', String(width), '-y', String(height)]);
    },
    kill: () => {
      try {
        tmux(['kill-server'], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    },
  };
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The CLI from source (through the test processes' hooks, not tsx) with the gates test procedure, a
 * store and facts in `dir`. */
export function gatesCli(dir: string, args: string): { command: string; env: Record<string, string> } {
  return {
    command: `node --import ./test/helpers/ts-loader.mjs cli/main.ts ${args} --store ${shellQuote(dir)}/state.db --config ${shellQuote(dir)}/none.yaml`,
    env: { MIRRORBOOK_RUNBOOKS: 'test/ui/fixtures/gates-runbook.ts', MB_GATES_DIR: `${dir}/facts` },
  };
}
