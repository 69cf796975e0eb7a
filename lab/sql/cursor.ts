// The parser's view of a token list: look ahead, match keywords and punctuation, and fail the way
// SQL Server does — Msg 102 near the offending token (the last token when the batch ran out).

import type { DataType } from './ast.js';
import { SqlSyntaxError, syntaxErrorAt, type Token } from './lexer.js';

/** T-SQL reserved keywords: never a bare identifier (GO is here on purpose: sent to the server, it
 * is an error, not a batch separator). */
const RESERVED = new Set(
  `ADD ALL ALTER AND ANY AS ASC AUTHORIZATION BACKUP BEGIN BETWEEN BREAK BROWSE BULK BY
CASCADE CASE CHECK CHECKPOINT CLOSE CLUSTERED COALESCE COLLATE COLUMN COMMIT COMPUTE CONSTRAINT CONTAINS
CONTAINSTABLE CONTINUE CONVERT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER
CURSOR DATABASE DBCC DEALLOCATE DECLARE DEFAULT DELETE DENY DESC DISK DISTINCT DISTRIBUTED DOUBLE DROP DUMP
ELSE END ERRLVL ESCAPE EXCEPT EXEC EXECUTE EXISTS EXIT EXTERNAL FETCH FILE FILLFACTOR FOR FOREIGN FREETEXT
FREETEXTTABLE FROM FULL FUNCTION GOTO GRANT GROUP HAVING HOLDLOCK IDENTITY IDENTITY_INSERT IDENTITYCOL IF IN
INDEX INNER INSERT INTERSECT INTO IS JOIN KEY KILL LEFT LIKE LINENO LOAD MERGE NATIONAL NOCHECK NONCLUSTERED
NOT NULL NULLIF OF OFF OFFSETS ON OPEN OPENDATASOURCE OPENQUERY OPENROWSET OPENXML OPTION OR ORDER OUTER OVER
PERCENT PIVOT PLAN PRECISION PRIMARY PRINT PROC PROCEDURE PUBLIC RAISERROR READ READTEXT RECONFIGURE
REFERENCES REPLICATION RESTORE RESTRICT RETURN REVERT REVOKE RIGHT ROLLBACK ROWCOUNT ROWGUIDCOL RULE SAVE
SCHEMA SECURITYAUDIT SELECT SESSION_USER SET SETUSER SHUTDOWN SOME STATISTICS SYSTEM_USER TABLE TABLESAMPLE
TEXTSIZE THEN TO TOP TRAN TRANSACTION TRIGGER TRUNCATE TRY_CONVERT TSEQUAL UNION UNIQUE UNPIVOT UPDATE
UPDATETEXT USE USER VALUES VARYING VIEW WAITFOR WHEN WHERE WHILE WITH WRITETEXT GO`.split(/\s+/),
);

/** How deep expressions and statements may nest before Msg 191, well inside Node's stack. */
const MAX_NESTING = 200;

export class Cursor {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  get mark(): number {
    return this.pos;
  }

  reset(mark: number): void {
    this.pos = mark;
  }

  /** Runs one level of nesting (a parenthesis, NOT, IF …); too deep is SQL Server's Msg 191. */
  nested<T>(parse: () => T): T {
    if (this.depth + 1 > MAX_NESTING) {
      throw new SqlSyntaxError(
        191,
        'Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries.',
        this.peek().line,
      );
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  /** Msg 102 near the current token. */
  fail(token: Token = this.peek()): SqlSyntaxError {
    return syntaxErrorAt(token);
  }

  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'word' && t.upper === word;
  }

  /** True when the next tokens are these keywords, in order. */
  isWords(...words: string[]): boolean {
    return words.every((w, k) => this.isWord(w, k));
  }

  acceptWord(...words: string[]): boolean {
    if (!this.isWords(...words)) return false;
    this.pos += words.length;
    return true;
  }

  expectWord(...words: string[]): void {
    for (const w of words) {
      if (!this.isWord(w)) throw this.fail();
      this.pos++;
    }
  }

  /** One of several keywords; returns the one found (upper-cased). */
  expectOneOf<W extends string>(...words: W[]): W {
    const t = this.peek();
    if (t.kind === 'word' && (words as string[]).includes(t.upper)) {
      this.pos++;
      return t.upper as W;
    }
    throw this.fail();
  }

  acceptOneOf<W extends string>(...words: W[]): W | undefined {
    const t = this.peek();
    if (t.kind === 'word' && (words as string[]).includes(t.upper)) {
      this.pos++;
      return t.upper as W;
    }
    return undefined;
  }

  isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === op;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.fail();
  }

  /** An identifier: a non-reserved word or a quoted/bracketed name. */
  isIdentifier(offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'quoted' || (t.kind === 'word' && !RESERVED.has(t.upper));
  }

  identifier(): string {
    if (!this.isIdentifier()) throw this.fail();
    return this.next().text;
  }

  /** A 1–4 part name; empty middle parts (master..sysdatabases) are ''. */
  multipartName(): string[] {
    const parts = [this.identifier()];
    while (this.isOp('.') && parts.length < 4) {
      this.next();
      if (this.isOp('.')) {
        parts.push('');
        continue;
      }
      parts.push(this.identifier());
    }
    return parts;
  }

  string(): string {
    const t = this.peek();
    if (t.kind !== 'string') throw this.fail();
    this.next();
    return t.value;
  }

  isString(): boolean {
    return this.peek().kind === 'string';
  }

  /** A non-negative integer literal. */
  integer(): number {
    const t = this.peek();
    if (t.kind !== 'number' || !t.integer) throw this.fail();
    this.next();
    return t.value;
  }

  binary(): Buffer {
    const t = this.peek();
    if (t.kind !== 'binary') throw this.fail();
    this.next();
    return t.value;
  }

  /** `= value` — the equals sign every option uses. */
  equals(): void {
    this.expectOp('=');
  }

  /** ON | OFF as a boolean. */
  onOff(): boolean {
    return this.expectOneOf('ON', 'OFF') === 'ON';
  }

  /** A type name: int, nvarchar(128), varbinary(max), decimal(25, 0), sys.sysname … */
  dataType(): DataType {
    const parts = this.multipartName();
    const name = parts.at(-1)!.toLowerCase();
    const params: (number | 'max')[] = [];
    if (this.acceptOp('(')) {
      do {
        if (this.isWord('MAX')) {
          this.next();
          params.push('max');
        } else params.push(this.integer());
      } while (this.acceptOp(','));
      this.expectOp(')');
    }
    return { name, params };
  }
}
