import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Secret } from '../../config/secret.js';
import { hex, id, kw, lit, tsql, InvalidIdentifierError } from '../../steps/tsql.js';

test('identifiers are quoted and ] is doubled', () => {
  assert.is(tsql`DROP LOGIN ${id('login', 'MIRROR_login')}`.masked, 'DROP LOGIN [MIRROR_login]');
  assert.is(tsql`USE ${id('database', 'Patriot Archive')}`.masked, 'USE [Patriot Archive]');
});

test('identifiers that are not sane for their kind are refused', () => {
  for (const [kind, name] of [
    ['login', 'x]; DROP DATABASE Patriot --'],
    ['database', 'a\nb'],
    ['endpoint', 'x'.repeat(129)],
    ['database', 'tempdb'],
    ['certificate', ''],
  ] as const) {
    assert.throws(
      () => id(kind, name),
      (e: unknown) => e instanceof InvalidIdentifierError,
    );
  }
  assert.is(id('windows-login', 'CORP\\svc-sql').quoted, '[CORP\\svc-sql]');
});

test("literals are N'…' with ' doubled", () => {
  assert.is(tsql`SELECT DB_ID(${lit("O'Brien")})`.masked, "SELECT DB_ID(N'O''Brien')");
});

test('secrets are masked in .masked and revealed only by reveal()', () => {
  const s = tsql`CREATE LOGIN ${id('login', 'MIRROR_login')} WITH PASSWORD = ${new Secret("Pa'ss-Word#2026")}`;
  assert.is(s.masked, "CREATE LOGIN [MIRROR_login] WITH PASSWORD = N'****'");
  assert.is(s.reveal(), "CREATE LOGIN [MIRROR_login] WITH PASSWORD = N'Pa''ss-Word#2026'");
  assert.is(JSON.stringify({ s }), `{"s":"CREATE LOGIN [MIRROR_login] WITH PASSWORD = N'****'"}`);
  assert.is(`${s}`, s.masked);
});

test('nested statements keep their secrets masked', () => {
  const inner = tsql`PASSWORD = ${new Secret('Inner-Secret#1x')}`;
  const outer = tsql`CREATE MASTER KEY ENCRYPTION BY ${inner}`;
  assert.is(outer.masked, "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'****'");
  assert.ok(outer.reveal().includes('Inner-Secret#1x'));
});

test('raw strings cannot be interpolated; keywords and hex are checked', () => {
  assert.throws(() => tsql`SELECT ${'1; DROP TABLE x' as never}`, /raw string/);
  assert.throws(() => kw('AES; DROP'), /keyword/);
  assert.is(kw('REQUIRED ALGORITHM AES').word, 'REQUIRED ALGORITHM AES');
  assert.is(hex(new Uint8Array([0x30, 0x82])).word, '0x3082');
  assert.throws(() => hex('0x3G'), /hex/);
  assert.is(tsql`SELECT ${42}`.masked, 'SELECT 42');
  assert.throws(() => tsql`SELECT ${1.5}`, /raw number/);
});

test.run();
