// Probes and verifies only read. One that has not answered in two minutes is a server that is not
// answering (blocked, overloaded, a link dropping packets), not a slow operation: better a stop with
// a hint than a run that hangs at 2 a.m. MIRRORBOOK_READ_TIMEOUT_MS shortens it (rehearsals, tests).
import { envDurationMs } from './env-duration.js';

const DEFAULT_MS = 120_000;

export function readLimitMs(env: NodeJS.ProcessEnv = process.env): number {
  return envDurationMs(env, 'MIRRORBOOK_READ_TIMEOUT_MS', 100, DEFAULT_MS, DEFAULT_MS);
}
