// A duration in milliseconds from the environment (MIRRORBOOK_POLL_MS, …): an integer within
// [min, max], else the default — a mistyped value never turns into a zero-length wait.
export function envDurationMs(env: NodeJS.ProcessEnv, name: string, min: number, max: number, fallback: number): number {
  const value = Number(env[name]);
  return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}
