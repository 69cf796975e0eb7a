// How often a run's waits ask the servers again and how long a read may take, from the command's
// environment (the one it was given, not the process's: an embedder runs commands side by side).
// One second suits an operator; MIRRORBOOK_POLL_MS lets rehearsals and tests against the lab poll
// faster (or a slow link slower). Probes and verifies only read: one that has not answered in two
// minutes is a server that is not answering (blocked, overloaded, a link dropping packets), not a
// slow operation — better a stop with a hint than a run that hangs at 2 a.m.
// MIRRORBOOK_READ_TIMEOUT_MS shortens that limit (rehearsals, tests).
import { envDurationMs } from './env-duration.js';

const READ_LIMIT_MS = 120_000;

export interface Pace {
  pollMs: number;
  readLimitMs: number;
}

export function pollIntervalMs(env: NodeJS.ProcessEnv): number {
  return envDurationMs(env, 'MIRRORBOOK_POLL_MS', 10, 60_000, 1000);
}

export function readLimitMs(env: NodeJS.ProcessEnv): number {
  return envDurationMs(env, 'MIRRORBOOK_READ_TIMEOUT_MS', 100, READ_LIMIT_MS, READ_LIMIT_MS);
}

export function paceOf(env: NodeJS.ProcessEnv): Pace {
  return { pollMs: pollIntervalMs(env), readLimitMs: readLimitMs(env) };
}
