// Parsed batches by their text: clients send the same texts again and again (every mirrorbook
// command opens with the same preflight queries), and parsing was a good part of what a lab spends
// per batch. A parsed batch is frozen before it is shared, so nothing that runs it can change what
// the next run of the same text gets; a batch that does not parse is parsed (and refused) anew.

import type { Statement } from './ast.js';
import { parseBatch } from './parse.js';

/** Enough for every distinct text a procedure and its tests send; the oldest entry goes first. */
const LIMIT = 1000;
/** A batch this long (a generated script, a large INSERT) is parsed each time rather than kept. */
const LONGEST_KEPT = 64 * 1024;

const parsed = new Map<string, Statement[]>();

export function parseBatchCached(sql: string): Statement[] {
  const known = parsed.get(sql);
  if (known) return known;
  const statements = parseBatch(sql);
  if (sql.length > LONGEST_KEPT) return statements;
  if (parsed.size >= LIMIT) parsed.delete(parsed.keys().next().value as string);
  parsed.set(sql, deepFreeze(statements));
  return statements;
}

function deepFreeze<T>(value: T): T {
  // Buffers (binary literals) cannot be frozen; nothing writes into them.
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
