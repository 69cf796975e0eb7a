// T-SQL tokens: what SQL Server's own scanner would see, with the line each token starts on.

import { SqlError } from '../errors.js';

export type Token =
  /** A regular identifier or keyword; `upper` for keyword matching. */
  | { kind: 'word'; text: string; upper: string; line: number }
  /** [bracketed] or "quoted" identifier, unquoted; never a keyword. */
  | { kind: 'quoted'; text: string; line: number }
  | { kind: 'string'; text: string; value: string; unicode: boolean; line: number }
  | { kind: 'number'; text: string; value: number; integer: boolean; line: number }
  | { kind: 'binary'; text: string; value: Buffer; line: number }
  /** '@name' or '@@name', as written. */
  | { kind: 'variable'; text: string; line: number }
  | { kind: 'op'; text: string; line: number }
  | { kind: 'eof'; text: string; line: number };

/** A batch error that knows the line it was found on (the statement's line is not the right one
 * for a syntax error in its middle). lab/server reports `line` when present. */
export class SqlSyntaxError extends SqlError {
  readonly line: number;
  constructor(number: number, message: string, line: number) {
    super(number, message, { class: 15 });
    this.line = line;
  }
}

export function syntaxErrorAt(token: Token): SqlSyntaxError {
  return new SqlSyntaxError(102, `Incorrect syntax near '${token.text}'.`, token.line);
}

const OPERATORS = [
  '<>',
  '!=',
  '<=',
  '>=',
  '!<',
  '!>',
  '::',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '(',
  ')',
  ',',
  ';',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
  ':',
];

const ASCII_LETTER = /[A-Za-z]/;
// ASCII first: the Unicode property classes are only needed for the rare non-ASCII name.
const isIdentStart = (c: string) => ASCII_LETTER.test(c) || c === '_' || c === '#' || (c > '\x7f' && /[\p{L}]/u.test(c));
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c) || c === '@' || c === '$' || (c > '\x7f' && /\p{N}/u.test(c));
const isDigit = (c: string) => c >= '0' && c <= '9';

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = sql.length;

  const advanceTo = (end: number) => {
    for (let k = i; k < end; k++) if (sql[k] === '\n') line++;
    i = end;
  };

  while (i < n) {
    const c = sql[i]!;
    const startLine = line;

    if (c === '\n' || c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      advanceTo(i + 1);
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      let end = sql.indexOf('\n', i);
      if (end < 0) end = n;
      advanceTo(end);
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      advanceTo(endOfComment(sql, i, startLine));
      continue;
    }
    if (c === "'" || ((c === 'N' || c === 'n') && sql[i + 1] === "'")) {
      const unicode = c !== "'";
      const open = unicode ? i + 1 : i;
      const { value, end } = quoted(sql, open, "'", startLine);
      tokens.push({ kind: 'string', text: value, value, unicode, line: startLine });
      advanceTo(end);
      continue;
    }
    if (c === '[') {
      const { value, end } = quoted(sql, i, ']', startLine);
      tokens.push({ kind: 'quoted', text: value, line: startLine });
      advanceTo(end);
      continue;
    }
    if (c === '"') {
      const { value, end } = quoted(sql, i, '"', startLine);
      tokens.push({ kind: 'quoted', text: value, line: startLine });
      advanceTo(end);
      continue;
    }
    if (c === '0' && (sql[i + 1] === 'x' || sql[i + 1] === 'X')) {
      let end = i + 2;
      while (end < n && /[0-9a-fA-F]/.test(sql[end]!)) end++;
      const hex = sql.slice(i + 2, end);
      const text = sql.slice(i, end);
      // An odd digit count is padded on the left, as SQL Server does (0x1 = 0x01).
      tokens.push({ kind: 'binary', text, value: Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'), line: startLine });
      advanceTo(end);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(sql[i + 1] ?? ''))) {
      const m = /^(\d*\.?\d*)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
      const text = m[0];
      tokens.push({ kind: 'number', text, value: Number(text), integer: /^\d+$/.test(text), line: startLine });
      advanceTo(i + text.length);
      continue;
    }
    if (c === '@') {
      let end = i + 1;
      if (sql[end] === '@') end++;
      while (end < n && isIdentPart(sql[end]!)) end++;
      tokens.push({ kind: 'variable', text: sql.slice(i, end), line: startLine });
      advanceTo(end);
      continue;
    }
    if (isIdentStart(c)) {
      let end = i + 1;
      while (end < n && isIdentPart(sql[end]!)) end++;
      const text = sql.slice(i, end);
      tokens.push({ kind: 'word', text, upper: text.toUpperCase(), line: startLine });
      advanceTo(end);
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (op === undefined) throw new SqlSyntaxError(102, `Incorrect syntax near '${c}'.`, startLine);
    tokens.push({ kind: 'op', text: op, line: startLine });
    advanceTo(i + op.length);
  }
  tokens.push({ kind: 'eof', text: tokens.at(-1)?.text ?? '', line });
  return tokens;
}

/** Block comments nest in T-SQL. Returns the index just past the closing mark. */
function endOfComment(sql: string, start: number, line: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw new SqlSyntaxError(113, "Missing end comment mark '*/'.", line);
}

/** A quoted run starting at `open` (the opening quote); the closing character doubled is literal. */
function quoted(sql: string, open: number, close: string, line: number): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  for (;;) {
    const at = sql.indexOf(close, i);
    if (at < 0) {
      const rest = sql.slice(open + 1);
      throw new SqlSyntaxError(105, `Unclosed quotation mark after the character string '${rest}'.`, line);
    }
    value += sql.slice(i, at);
    if (sql[at + 1] === close) {
      value += close;
      i = at + 2;
    } else return { value, end: at + 1 };
  }
}
