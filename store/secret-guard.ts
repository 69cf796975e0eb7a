// The store takes masked text only. This is the last line of defence against a caller that
// formatted a Secret with util.inspect (its only rendering that is not the bare mask) or handed
// the Secret object itself where text belongs. (JSON of a Secret is already the mask.) Everything
// it passes is also made visible (store/visible-text.ts): no raw control character is stored.
import { MASK, isSecret } from '../config/secret.js';
import { StoreError } from './types.js';
import { visible } from './visible-text.js';

const INSPECT_MARKER = `Secret(${MASK}`;

/** Refuses a Secret object or a string carrying an inspected Secret; returns the text, control
 * characters escaped visibly. */
export function maskedText<T extends string | null | undefined>(value: T, field: string): T {
  const checked = secretFree(value, field);
  return (typeof checked === 'string' ? visible(checked) : checked) as T;
}

/** The check alone, for text no person reads as is (the checkpoint's JSON). */
export function secretFree<T extends string | null | undefined>(value: T, field: string): T {
  if (isSecret(value)) throw refused(field, 'a Secret object');
  if (typeof value === 'string' && value.includes(INSPECT_MARKER)) throw refused(field, 'an inspected Secret');
  return value;
}

/** JSON text of `value` (keys sorted, so equal values hash equally), checked like maskedText. */
export function maskedJson(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  return maskedText(canonicalJson(value), field);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return visible(v);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

function refused(field: string, what: string): StoreError {
  return new StoreError(
    'secret-refused',
    `refused to store ${field}: it carries ${what}`,
    'pass masked text only (Tsql.masked, String(secret)); this is a mirrorbook bug — please report it',
  );
}
