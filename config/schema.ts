// A small schema of our own for mirrorbook.yaml: each reader takes the raw value and its path and
// either returns a typed value or records an issue "path: what was found — what is allowed".
// All issues are collected so the operator fixes the file in one go.

export interface Issue {
  path: string;
  message: string;
}

export class Issues {
  readonly list: Issue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

export type Raw = Record<string, unknown>;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return quoted(value);
  return String(value);
}

/** How long an echoed value may be: enough to recognise it, never a wall of text. */
const ECHO_LIMIT = 80;

/** A value quoted for an error message, cut to a readable length. */
export function quoted(value: string): string {
  return value.length <= ECHO_LIMIT ? `"${value}"` : `"${value.slice(0, ECHO_LIMIT)}…" (${value.length} characters)`;
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A mapping whose keys must all be in `allowed`; unknown keys are issues (typos must not pass). */
export function mapping(value: unknown, path: string, allowed: readonly string[], issues: Issues): Raw | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.add(path || '(top level)', `expected a mapping, found ${describe(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) issues.add(join(path, key), `unknown key; allowed here: ${allowed.join(', ')}`);
  }
  return value as Raw;
}

export function required<T>(value: T | undefined, path: string, what: string, issues: Issues): T | undefined {
  if (value === undefined) issues.add(path, `missing; expected ${what}`);
  return value;
}

export function str(value: unknown, path: string, issues: Issues, check?: { pattern: RegExp; allowed: string }): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    issues.add(path, `expected ${check?.allowed ?? 'a non-empty string'}, found ${describe(value)}`);
    return undefined;
  }
  // Control characters in a config value are never meant, and would reach terminals raw (escapes).
  if (/\p{Cc}/u.test(value)) {
    issues.add(path, `${quoted(JSON.stringify(value).slice(1, -1))} contains control characters; expected ${check?.allowed ?? 'printable text'}`);
    return undefined;
  }
  if (check && !check.pattern.test(value)) {
    issues.add(path, `${describe(value)} is not allowed; expected ${check.allowed}`);
    return undefined;
  }
  return value;
}

export function int(value: unknown, path: string, issues: Issues, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    issues.add(path, `expected an integer ${min}–${max}, found ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function bool(value: unknown, path: string, issues: Issues): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    issues.add(path, `expected true or false, found ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function oneOf<T extends string | boolean>(value: unknown, path: string, choices: readonly T[], issues: Issues): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => (typeof c === 'string' && typeof value === 'string' ? c.toUpperCase() === value.toUpperCase() : c === value));
  if (found === undefined) {
    issues.add(path, `${describe(value)} is not allowed; expected one of: ${choices.map(String).join(', ')}`);
  }
  return found;
}

/** A list of at most `max` entries (default 100): no config builds a batch SQL Server refuses. */
export function list(value: unknown, path: string, issues: Issues, max = 100): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.add(path, `expected a list, found ${describe(value)}`);
    return undefined;
  }
  if (value.length > max) {
    issues.add(path, `${value.length} entries; at most ${max} are allowed`);
    return undefined;
  }
  return value;
}
