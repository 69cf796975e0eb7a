import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tokenize } from '../../lab/sql/lexer.js';

const kinds = (sql: string) => tokenize(sql).map((t) => [t.kind, t.text]);

test('identifiers: regular, [bracketed] with ]] escape, "quoted"', () => {
  assert.equal(kinds('Endpoint_Mirroring [DOMAIN\\svc acct] [a]]b] "q""x" #tmp'), [
    ['word', 'Endpoint_Mirroring'],
    ['quoted', 'DOMAIN\\svc acct'],
    ['quoted', 'a]b'],
    ['quoted', 'q"x'],
    ['word', '#tmp'],
    ['eof', '#tmp'],
  ]);
});

test("strings: '…' and N'…' with '' escape, decoded", () => {
  const tokens = tokenize("'it''s' N'ünï' ''");
  assert.equal(
    tokens.slice(0, 3).map((t) => t.kind === 'string' && [t.value, t.unicode]),
    [
      ["it's", false],
      ['ünï', true],
      ['', false],
    ],
  );
});

test('numbers, binary, variables, operators', () => {
  const tokens = tokenize('42 3.25 .5 1e3 0x3082aB 0x 0x1 @db @@SERVERNAME <> != <= >= :: . ;');
  assert.equal(
    tokens.slice(0, 4).map((t) => t.kind === 'number' && [t.value, t.integer]),
    [
      [42, true],
      [3.25, false],
      [0.5, false],
      [1000, false],
    ],
  );
  assert.equal(
    tokens.slice(4, 7).map((t) => t.kind === 'binary' && t.value.toString('hex')),
    ['3082ab', '', '01'],
  );
  assert.equal(
    tokens.slice(7, 9).map((t) => [t.kind, t.text]),
    [
      ['variable', '@db'],
      ['variable', '@@SERVERNAME'],
    ],
  );
  assert.equal(
    tokens.slice(9, -1).map((t) => [t.kind, t.text]),
    ['<>', '!=', '<=', '>=', '::', '.', ';'].map((o) => ['op', o]),
  );
});

test('comments vanish (nested block comments too) and every token knows its line', () => {
  const tokens = tokenize(`USE -- master
/* one /* two */ still
comment */ [x
y]
'a
b' z`);
  assert.equal(
    tokens.map((t) => [t.text, t.line]),
    [
      ['USE', 1],
      ['x\ny', 3],
      ['a\nb', 5],
      ['z', 6],
      ['z', 6],
    ],
  );
});

test('a keyword is matched case-insensitively but keeps its spelling', () => {
  const t = tokenize('sElEcT')[0]!;
  assert.equal(t.kind === 'word' && [t.text, t.upper], ['sElEcT', 'SELECT']);
});

test.run();
