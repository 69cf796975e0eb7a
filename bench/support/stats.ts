// Order statistics for the benches: every figure is a median with its spread, and the spread says
// which one it is.

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('no samples');
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (xs: readonly number[]): number => percentile(xs, 50);

export interface Spread {
  median: number;
  low: number;
  high: number;
  /** 'p25–p75' for many samples, 'min–max' for a handful. */
  kind: 'p25–p75' | 'min–max';
  n: number;
}

/** p25–p75 from 10 samples up; below that the quartiles would be single samples anyway, so min–max. */
export function spread(xs: readonly number[]): Spread {
  if (xs.length >= 10) return { median: median(xs), low: percentile(xs, 25), high: percentile(xs, 75), kind: 'p25–p75', n: xs.length };
  return { median: median(xs), low: Math.min(...xs), high: Math.max(...xs), kind: 'min–max', n: xs.length };
}

/** A number with as many decimals as it needs to show three significant digits (at most 3). */
export function fmt(x: number): string {
  const abs = Math.abs(x);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function describe(s: Spread, unit: string): string {
  return `${fmt(s.median)} ${unit} (${s.kind} ${fmt(s.low)}–${fmt(s.high)}, n=${s.n})`;
}
