// The only way T-SQL is built in mirrorbook: a tagged template whose holes accept typed values
// only — identifiers (validated, quoted with [ ]), literals (N'…' with ' doubled), secrets (masked
// in `.masked`, revealed only by `.reveal()`), keywords from a fixed shape, hex binaries, integers
// and nested statements. A plain string in a hole is a bug and throws: nothing from config or
// input reaches SQL Server raw.
import type { Tsql } from '../machines/runbook.js';
import { MASK, Secret } from '../config/secret.js';
import { identifierProblem, type IdentifierKind } from '../config/identifier.js';

class Identifier {
  constructor(readonly quoted: string) {}
}
class Literal {
  constructor(readonly text: string) {}
}
class Keyword {
  constructor(readonly word: string) {}
}

export class InvalidIdentifierError extends Error {
  constructor(kind: IdentifierKind, name: string, problem: string) {
    super(`invalid ${kind} name ${JSON.stringify(name)}: ${problem}`);
    this.name = 'InvalidIdentifierError';
  }
}

export function quoteIdentifier(name: string): string {
  return `[${name.replaceAll(']', ']]')}]`;
}

export function quoteLiteral(value: string): string {
  return `N'${value.replaceAll("'", "''")}'`;
}

/** A validated identifier, quoted: `id('login', "MIRROR_login")` → [MIRROR_login]. */
export function id(kind: IdentifierKind, name: string): Identifier {
  const problem = identifierProblem(kind, name);
  if (problem) throw new InvalidIdentifierError(kind, name, problem);
  return new Identifier(quoteIdentifier(name));
}

/** A string literal N'…', for names used as values (DB_ID(N'Patriot')), paths, addresses. */
export function lit(value: string): Literal {
  if (/[\x00]/.test(value)) throw new Error('a T-SQL literal cannot contain NUL');
  return new Literal(quoteLiteral(value));
}

/** A keyword or keyword phrase from the statement's fixed grammar (AES, REQUIRED, SAFETY FULL). */
export function kw(word: string): Keyword {
  if (!/^[A-Z][A-Z_]*( [A-Z][A-Z_]*)*$/.test(word)) throw new Error(`not a T-SQL keyword: ${JSON.stringify(word)}`);
  return new Keyword(word);
}

/** A varbinary literal 0x…, from bytes or a hex string. */
export function hex(value: Uint8Array | string): Keyword {
  const text = typeof value === 'string' ? value.replace(/^0x/i, '') : Buffer.from(value).toString('hex');
  if (!/^([0-9A-Fa-f]{2})+$/.test(text)) throw new Error('not a hex binary value');
  return new Keyword(`0x${text.toUpperCase()}`);
}

/** A varbinary value that must never be shown (a login's password hash): 0x**** when masked. */
class SecretBinary {
  readonly #bytes: Buffer;
  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes);
  }
  reveal(): string {
    return `0x${this.#bytes.toString('hex').toUpperCase()}`;
  }
  toString(): string {
    return `0x${MASK}`;
  }
  toJSON(): string {
    return `0x${MASK}`;
  }
}

export function secretHex(bytes: Uint8Array): SecretBinary {
  return new SecretBinary(bytes);
}

export type TsqlValue = Identifier | Literal | Keyword | Secret | SecretBinary | Statement | number;

export class Statement implements Tsql {
  readonly masked: string;
  readonly #revealed: () => string;

  constructor(masked: string, revealed: () => string) {
    this.masked = masked;
    this.#revealed = revealed;
  }

  reveal(): string {
    return this.#revealed();
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }
}

function render(value: TsqlValue, reveal: boolean): string {
  if (value instanceof Identifier) return value.quoted;
  if (value instanceof Literal) return value.text;
  if (value instanceof Keyword) return value.word;
  if (value instanceof Secret) return reveal ? quoteLiteral(value.reveal()) : `N'${MASK}'`;
  if (value instanceof SecretBinary) return reveal ? value.reveal() : `0x${MASK}`;
  if (value instanceof Statement) return reveal ? value.reveal() : value.masked;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new TypeError(`a raw ${typeof value} cannot go into T-SQL; wrap it with id(), lit(), kw() or hex()`);
}

function assemble(strings: readonly string[], values: readonly TsqlValue[], reveal: boolean): string {
  let text = strings[0]!;
  values.forEach((value, i) => {
    text += render(value, reveal) + strings[i + 1]!;
  });
  return text;
}

export function tsql(strings: TemplateStringsArray, ...values: TsqlValue[]): Statement {
  const masked = assemble(strings, values, false);
  return new Statement(masked, () => assemble(strings, values, true));
}

/** Joins statements or fragments with a separator (e.g. ', ' for a list of MOVE clauses). */
export function joinTsql(parts: Statement[], separator: string): Statement {
  return new Statement(parts.map((p) => p.masked).join(separator), () => parts.map((p) => p.reveal()).join(separator));
}
