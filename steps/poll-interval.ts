// How often the waits and progress polls ask the servers again. One second suits an operator;
// MIRRORBOOK_POLL_MS lets rehearsals and tests against the lab poll faster (or a slow link slower).
const DEFAULT_MS = 1000;

export function pollIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.MIRRORBOOK_POLL_MS);
  return Number.isInteger(value) && value >= 10 && value <= 60_000 ? value : DEFAULT_MS;
}
