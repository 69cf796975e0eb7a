// Comparing values as SQL Server does under the default collation (case-insensitive, trailing
// spaces ignored): the lower-precedence side is converted to the other's type first, and NULL
// compares as unknown.

import type { Typed } from './catalog.js';
import { convert } from './convert.js';
import { isBinary, isCharacter, precedence } from './types.js';

/** -1, 0, 1, or null when either side is NULL. Throws the conversion error when the sides do not mix. */
export function compare(a: Typed, b: Typed): -1 | 0 | 1 | null {
  if (a.value === null || b.value === null) return null;
  const [target, other] = precedence(a.type) >= precedence(b.type) ? [a, b] : [b, a];
  const converted = { value: convert(other, target.type), type: target.type };
  const [x, y] = target === a ? [a, converted] : [converted, b];
  return compareSameType(x, y);
}

function compareSameType(a: Typed, b: Typed): -1 | 0 | 1 {
  const x = a.value;
  const y = b.value;
  if (isCharacter(a.type) || a.type.type === 'uniqueidentifier') return compareText(String(x), String(y));
  if (isBinary(a.type) && Buffer.isBuffer(x) && Buffer.isBuffer(y)) return sign(Buffer.compare(x, y));
  if (x instanceof Date && y instanceof Date) return sign(x.getTime() - y.getTime());
  return sign(Number(x) - Number(y));
}

/** Case-insensitive and blind to trailing spaces, like Latin1_General_CI_AS for equality. */
function compareText(x: string, y: string): -1 | 0 | 1 {
  const a = x.replace(/ +$/, '').toUpperCase();
  const b = y.replace(/ +$/, '').toUpperCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** LIKE with %, _, [set], [^set] and an optional escape character; case-insensitive. */
export function like(text: string, pattern: string, escape?: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (escape !== undefined && ch === escape && i + 1 < pattern.length) {
      source += escapeRegex(pattern[++i]!);
    } else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, close);
      const negate = set.startsWith('^');
      if (negate) set = set.slice(1);
      source += `[${negate ? '^' : ''}${set.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else source += escapeRegex(ch);
  }
  return new RegExp(`^${source}$`, 'iu').test(text.replace(/ +$/, '')) || new RegExp(`^${source}$`, 'iu').test(text);
}

function escapeRegex(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
