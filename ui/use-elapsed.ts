import { useEffect, useState } from 'react';

/** Milliseconds since `since`, refreshed once a second (often enough for a clock, rare enough not to flicker). */
export function useElapsed(since: number | undefined, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    // unref: a clock on screen must never be what keeps the process alive.
    const timer = setInterval(() => setNow(Date.now()), 1000).unref();
    return () => clearInterval(timer);
  }, [running]);
  return since === undefined ? 0 : Math.max(0, now - since);
}
