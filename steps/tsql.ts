// The only way T-SQL is built in mirrorbook: a tagged template whose holes accept typed values
// only — identifiers (validated, quoted with [ ]), literals (N'…' with ' doubled), secrets (masked
// in `.masked`, revealed only by `.reveal()`), keywords from a fixed shape, hex binaries, integers
// and nested statements. A plain string in a hole is a bug and throws: nothing from config or
// input reaches SQL Server raw.
import type { ScriptVariableOf, Tsql } from '../machines/procedure.js';
import { createHash } from 'node:crypto';
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
  if (!/^[A-Z][A-Z0-9_]*( [A-Z][A-Z0-9_]*)*$/.test(word)) throw new Error(`not a T-SQL keyword: ${JSON.stringify(word)}`);
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

/** A text read from a server that may hold a secret (an Agent job step's command: CmdExec/PowerShell
 * steps carry `-P` passwords and connection strings): masked as its SHA-256 prefix and length, so
 * the audit can still tell two texts apart without holding either. */
class SecretText {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return textDigest(this.#value);
  }
  toJSON(): string {
    return textDigest(this.#value);
  }
}

/** `****sha256:1a2b3c4d5e6f/42 chars`: what shows of a secret text. */
export function textDigest(value: string): string {
  return `${MASK}sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12)}/${value.length} chars`;
}

export function secretText(value: string): SecretText {
  if (/[\x00]/.test(value)) throw new Error('a T-SQL literal cannot contain NUL');
  return new SecretText(value);
}

export type TsqlValue = Identifier | Literal | Keyword | Secret | SecretBinary | SecretText | Statement | number;

export class Statement implements Tsql {
  readonly masked: string;
  readonly #revealed: () => string;
  readonly #scripted: ((nameOf: ScriptVariableOf) => string) | undefined;

  constructor(masked: string, revealed: () => string, scripted?: (nameOf: ScriptVariableOf) => string) {
    this.masked = masked;
    this.#revealed = revealed;
    this.#scripted = scripted;
  }

  reveal(): string {
    return this.#revealed();
  }

  /** The text for a SQLCMD script: each secret as the SQLCMD variable `nameOf` gives it. A
   * statement holding a value only a run knows (a password hash, bytes read from a peer) has none. */
  scripted(nameOf: ScriptVariableOf): string {
    if (this.#scripted) return this.#scripted(nameOf);
    if (this.masked.includes(MASK)) throw new Error(`a statement with a secret cannot be scripted: ${this.masked.slice(0, 80)}`);
    return this.masked;
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }
}

/** masked, revealed, or scripted with SQLCMD variables for secrets. */
type Rendering = false | true | { nameOf: ScriptVariableOf };

function render(value: TsqlValue, reveal: Rendering): string {
  if (value instanceof Identifier) return value.quoted;
  if (value instanceof Literal) return value.text;
  if (value instanceof Keyword) return value.word;
  if (value instanceof Secret) return reveal === true ? quoteLiteral(value.reveal()) : reveal ? `N'$(${reveal.nameOf(value)})'` : `N'${MASK}'`;
  if (value instanceof SecretBinary) {
    if (typeof reveal === 'object') throw new Error('a password hash read at run time cannot be scripted');
    return reveal ? value.reveal() : `0x${MASK}`;
  }
  if (value instanceof SecretText) {
    if (typeof reveal === 'object') throw new Error('a text read at run time cannot be scripted');
    return reveal ? quoteLiteral(value.reveal()) : `N'${textDigest(value.reveal())}'`;
  }
  if (value instanceof Statement) return reveal === true ? value.reveal() : reveal ? value.scripted(reveal.nameOf) : value.masked;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new TypeError(`a raw ${typeof value} cannot go into T-SQL; wrap it with id(), lit(), kw() or hex()`);
}

function assemble(strings: readonly string[], values: readonly TsqlValue[], reveal: Rendering): string {
  let text = strings[0]!;
  values.forEach((value, i) => {
    text += render(value, reveal) + strings[i + 1]!;
  });
  return text;
}

export function tsql(strings: TemplateStringsArray, ...values: TsqlValue[]): Statement {
  const masked = assemble(strings, values, false);
  return new Statement(
    masked,
    () => assemble(strings, values, true),
    (nameOf) => assemble(strings, values, { nameOf }),
  );
}

/** T-SQL written in mirrorbook's own code, with no value from outside in it (a column list, the
 * expressions of the privilege list with their names already quoted): sent as it is. */
export function constantSql(text: string): Statement {
  return new Statement(text, () => text);
}

/** Joins statements or fragments with a separator (e.g. ', ' for a list of MOVE clauses). */
export function joinTsql(parts: Statement[], separator: string): Statement {
  return new Statement(
    parts.map((p) => p.masked).join(separator),
    () => parts.map((p) => p.reveal()).join(separator),
    (nameOf) => parts.map((p) => p.scripted(nameOf)).join(separator),
  );
}
