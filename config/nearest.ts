// "Did you mean …?" for a mistyped command, option, procedure or instance name: the known name at
// the smallest edit distance, when it is close enough to be a typo rather than another word.

/** Levenshtein distance, case-insensitive (operators type SQLPRI01 and sqlpri01 alike). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[y.length]!;
}

/** The closest of `known` to `typed`, or undefined when none is within a third of its length
 * (at least 2 edits allowed), or when `typed` is a prefix of exactly one of them. */
export function nearest(typed: string, known: readonly string[]): string | undefined {
  const prefixed = known.filter((k) => typed.length >= 2 && k.toLowerCase().startsWith(typed.toLowerCase()));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(typed, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(typed.length / 3)) ? best : undefined;
}
