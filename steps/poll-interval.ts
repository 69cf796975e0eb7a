// How often the waits and progress polls ask the servers again. One second suits an operator;
// MIRRORBOOK_POLL_MS lets rehearsals and tests against the lab poll faster (or a slow link slower).
import { envDurationMs } from '../machines/env-duration.js';

export function pollIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  return envDurationMs(env, 'MIRRORBOOK_POLL_MS', 10, 60_000, 1000);
}
